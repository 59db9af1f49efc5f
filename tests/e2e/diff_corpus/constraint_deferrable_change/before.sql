CREATE TABLE public.a (id int PRIMARY KEY);
CREATE TABLE public.b (a_id int CONSTRAINT b_a_fk REFERENCES public.a (id));
