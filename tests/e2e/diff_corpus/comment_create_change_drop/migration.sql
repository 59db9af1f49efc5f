COMMENT ON TABLE public.orders IS 'customer''s orders';
COMMENT ON COLUMN public.orders.customer IS NULL;
COMMENT ON COLUMN public.orders.total IS 'in EUR';
COMMENT ON CONSTRAINT orders_pkey ON public.orders IS 'the key';
COMMENT ON SCHEMA public IS 'app schema';
