CREATE TABLE public.orders (
  id bigint PRIMARY KEY,
  customer text NOT NULL,
  total numeric(10,2) NOT NULL DEFAULT 0,
  placed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.orders VALUES (1, 'ada', 12.50), (2, 'bob', 3.00);
CREATE VIEW public.big_orders AS SELECT id, total FROM public.orders WHERE total > 10;
CREATE VIEW public.big_order_count AS SELECT count(*) AS n FROM public.big_orders;
COMMENT ON VIEW public.big_orders IS 'orders over 10';
