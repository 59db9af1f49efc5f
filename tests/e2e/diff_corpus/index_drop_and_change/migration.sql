DROP INDEX public.orders_customer_idx;
DROP INDEX public.orders_total_idx;
CREATE INDEX orders_total_idx ON public.orders (total DESC) WITH (fillfactor = 80);
