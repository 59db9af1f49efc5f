COMMENT ON TABLE public.orders IS 'theirs';
