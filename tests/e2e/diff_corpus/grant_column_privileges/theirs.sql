CREATE INDEX orders_total_idx ON public.orders (total);
