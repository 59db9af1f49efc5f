ALTER TABLE public.people ALTER COLUMN name TYPE text COLLATE "C";
