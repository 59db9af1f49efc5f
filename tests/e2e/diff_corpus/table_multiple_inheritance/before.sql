CREATE TABLE public.named (name text);
CREATE TABLE public.dated (at date);
