ALTER TABLE public.orders ADD COLUMN coupon text;
