CREATE TYPE public.kind AS ENUM ('a', 'b');
CREATE TABLE public.t (id int, k public.kind);
