ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(12,2);
ALTER TABLE public.orders ALTER COLUMN customer TYPE varchar(100);
