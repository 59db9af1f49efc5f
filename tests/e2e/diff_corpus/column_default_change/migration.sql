ALTER TABLE public.orders ALTER COLUMN total SET DEFAULT 1;
ALTER TABLE public.orders ALTER COLUMN placed_at DROP DEFAULT;
ALTER TABLE public.orders ALTER COLUMN customer SET DEFAULT 'anonymous';
