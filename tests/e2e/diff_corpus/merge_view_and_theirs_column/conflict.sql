DROP VIEW public.v;
