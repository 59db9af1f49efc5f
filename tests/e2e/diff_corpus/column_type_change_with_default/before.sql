CREATE TABLE public.t (id int, n smallint DEFAULT 1);
