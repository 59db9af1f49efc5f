CREATE EXTENSION pg_trgm;
CREATE TABLE public.t (name text);
CREATE INDEX t_name_trgm ON public.t USING gin (name public.gin_trgm_ops);
