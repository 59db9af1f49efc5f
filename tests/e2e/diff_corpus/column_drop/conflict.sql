ALTER TABLE public.orders ALTER COLUMN placed_at DROP NOT NULL;
