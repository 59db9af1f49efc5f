CREATE TYPE public.state AS ENUM ('draft');
CREATE TABLE public.docs (id int, state public.state);
