CREATE SEQUENCE public.s;
CREATE TABLE public.t (id int DEFAULT nextval('public.s'));
