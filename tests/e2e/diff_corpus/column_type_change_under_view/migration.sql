DROP VIEW public.big_order_count;
DROP VIEW public.big_orders;
ALTER TABLE public.orders ALTER COLUMN id TYPE integer;
ALTER TABLE public.orders ALTER COLUMN total TYPE double precision;
CREATE VIEW public.big_orders AS SELECT id, total FROM public.orders WHERE total > 10;
CREATE VIEW public.big_order_count AS SELECT count(*) AS n FROM public.big_orders;
COMMENT ON VIEW public.big_orders IS 'orders over 10';
