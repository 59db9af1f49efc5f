ALTER TYPE public.address ADD ATTRIBUTE zip text;
ALTER TYPE public.address DROP ATTRIBUTE street;
ALTER TYPE public.point3 ALTER ATTRIBUTE x TYPE bigint;
CREATE TYPE public.money_pair AS (amount numeric, currency char(3));
CREATE TABLE public.shops (id int, addr public.address);
