ALTER TABLE public.customers ADD COLUMN name text;
