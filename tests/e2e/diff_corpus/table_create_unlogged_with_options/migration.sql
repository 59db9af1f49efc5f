CREATE UNLOGGED TABLE public.cache (k text PRIMARY KEY, v jsonb) WITH (fillfactor = 50, autovacuum_enabled = false);
