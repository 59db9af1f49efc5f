CREATE COLLATION public.german_ci (provider = icu, locale = 'de-u-ks-level2', deterministic = false);
ALTER TABLE public.t ADD COLUMN name text COLLATE public.german_ci;
