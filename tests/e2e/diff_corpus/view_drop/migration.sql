DROP VIEW public.w;
DROP VIEW public.v;
ALTER TABLE public.orders DROP COLUMN customer;
