CREATE TYPE public.float_range AS RANGE (SUBTYPE = float8, SUBTYPE_DIFF = float8mi);
ALTER TABLE public.t ADD COLUMN r public.float_range;
