CREATE OR REPLACE VIEW public.v AS SELECT id, total, customer FROM public.orders;
