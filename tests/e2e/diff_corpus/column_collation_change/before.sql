CREATE TABLE public.people (id int, name text);
