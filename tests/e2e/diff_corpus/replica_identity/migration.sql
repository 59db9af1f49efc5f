CREATE UNIQUE INDEX orders_customer_id_key ON public.orders (customer, id);
ALTER TABLE public.orders REPLICA IDENTITY USING INDEX orders_customer_id_key;
ALTER TABLE public.audit REPLICA IDENTITY DEFAULT;
