DROP MATERIALIZED VIEW public.mv;
CREATE MATERIALIZED VIEW public.mv AS SELECT customer, total FROM public.orders;
CREATE INDEX mv_idx ON public.mv (customer, total);
