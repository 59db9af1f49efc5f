ALTER TABLE public.orders DROP COLUMN customer;
