CREATE OR REPLACE VIEW public.v AS SELECT id, total FROM public.orders;
