ALTER TABLE public.orders ADD COLUMN status text NOT NULL DEFAULT 'new';
ALTER TABLE public.orders ADD COLUMN shipped_at timestamptz;
