CREATE TABLE public.orders (
  id bigint PRIMARY KEY,
  customer text NOT NULL,
  total numeric(10,2) NOT NULL DEFAULT 0,
  placed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.orders VALUES (1, 'ada', 12.50), (2, 'bob', 3.00);
CREATE VIEW public.v AS SELECT id, total FROM public.orders;
CREATE VIEW public.w AS SELECT id FROM public.v;
GRANT SELECT ON public.w TO PUBLIC;
