ALTER TYPE public.address ADD ATTRIBUTE zip text CASCADE;
CREATE TYPE public.geo AS (lat float8, lon float8);
ALTER TABLE public.shops ADD COLUMN pos public.geo;
