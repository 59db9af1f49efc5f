CREATE TABLE public.unrelated (id int);
