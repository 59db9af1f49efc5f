REVOKE UPDATE ON public.orders FROM diff_reader;
REVOKE USAGE ON SEQUENCE public.s FROM diff_reader;
GRANT SELECT ON SEQUENCE public.s TO diff_reader;
