ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(20,4);
