ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(14,4);
