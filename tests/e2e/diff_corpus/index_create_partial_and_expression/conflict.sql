CREATE INDEX orders_big_idx ON public.orders (total) WHERE total > 1000;
