CREATE RULE log_insert AS ON INSERT TO public.orders DO ALSO INSERT INTO public.orders_log VALUES (NEW.id, NEW.total);
CREATE RULE no_delete AS ON DELETE TO public.orders DO INSTEAD NOTHING;
