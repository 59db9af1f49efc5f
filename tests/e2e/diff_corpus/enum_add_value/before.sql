CREATE TYPE public.mood AS ENUM ('sad', 'ok');
CREATE TABLE public.people (id int, mood public.mood);
