CREATE TYPE public.address AS (street text, city text);
CREATE TABLE public.shops (id int, addr public.address);
