DROP TABLE public.audit;
