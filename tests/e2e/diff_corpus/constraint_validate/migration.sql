ALTER TABLE public.orders VALIDATE CONSTRAINT orders_total_positive;
