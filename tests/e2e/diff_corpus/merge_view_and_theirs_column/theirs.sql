ALTER TABLE public.orders ADD COLUMN note text;
CREATE VIEW public.w AS SELECT id FROM public.v;
