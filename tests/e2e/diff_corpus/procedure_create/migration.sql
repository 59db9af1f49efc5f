CREATE PROCEDURE public.archive_orders(before_id bigint) LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.orders WHERE id < before_id; END $$;
