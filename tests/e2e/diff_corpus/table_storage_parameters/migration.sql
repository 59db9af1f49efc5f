ALTER TABLE public.orders SET (fillfactor = 70);
ALTER TABLE public.orders RESET (autovacuum_enabled);
