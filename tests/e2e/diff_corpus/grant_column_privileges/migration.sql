GRANT SELECT (customer), UPDATE (customer) ON public.orders TO diff_reader;
REVOKE SELECT (id) ON public.orders FROM diff_reader;
GRANT REFERENCES (total) ON public.orders TO PUBLIC;
