ALTER TABLE public.orders DROP COLUMN placed_at;
