DROP RULE log_insert ON public.orders;
ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(12,2);
CREATE RULE log_insert AS ON INSERT TO public.orders DO ALSO INSERT INTO public.orders_log VALUES (NEW.id, NEW.total);
