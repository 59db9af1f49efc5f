ALTER TABLE public.t ALTER COLUMN k TYPE text;
DROP TYPE public.kind;
