ALTER TABLE public.people ADD COLUMN name text;
