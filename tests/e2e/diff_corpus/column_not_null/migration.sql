ALTER TABLE public.orders ALTER COLUMN customer DROP NOT NULL;
UPDATE public.orders SET placed_at = now();
ALTER TABLE public.orders ADD COLUMN region text NOT NULL DEFAULT 'eu';
ALTER TABLE public.orders ALTER COLUMN placed_at DROP NOT NULL;
UPDATE public.orders SET placed_at = NULL;
