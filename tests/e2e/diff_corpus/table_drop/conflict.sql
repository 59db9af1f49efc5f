ALTER TABLE public.orders ADD COLUMN shipped boolean;
