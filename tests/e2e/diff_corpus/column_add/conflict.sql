ALTER TABLE public.orders ADD COLUMN status varchar(20);
