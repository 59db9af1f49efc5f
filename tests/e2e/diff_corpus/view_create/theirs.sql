CREATE VIEW public.recent AS SELECT id FROM public.orders;
