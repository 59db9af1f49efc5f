ALTER TABLE public.orders DROP COLUMN tax;
ALTER TABLE public.orders ADD COLUMN tax numeric GENERATED ALWAYS AS (total * 0.25) STORED;
ALTER TABLE public.orders ADD COLUMN gross numeric GENERATED ALWAYS AS (total * 1.25) STORED;
