CREATE TABLE public.t (id int, other int);
CREATE SEQUENCE public.s OWNED BY public.t.id;
CREATE SEQUENCE public.free;
