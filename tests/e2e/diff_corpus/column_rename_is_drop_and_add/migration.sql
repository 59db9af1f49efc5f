ALTER TABLE public.orders RENAME COLUMN placed_at TO created_at;
