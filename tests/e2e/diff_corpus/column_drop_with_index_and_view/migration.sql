DROP VIEW public.v;
ALTER TABLE public.orders DROP COLUMN customer;
CREATE VIEW public.v AS SELECT id FROM public.orders;
