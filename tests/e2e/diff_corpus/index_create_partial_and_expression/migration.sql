CREATE INDEX orders_big_idx ON public.orders (total) WHERE total > 100;
CREATE UNIQUE INDEX orders_customer_lower_idx ON public.orders (lower(customer), id);
CREATE INDEX orders_placed_brin ON public.orders USING brin (placed_at);
