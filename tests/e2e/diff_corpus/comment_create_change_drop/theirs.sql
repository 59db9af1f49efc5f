COMMENT ON COLUMN public.orders.placed_at IS 'when';
