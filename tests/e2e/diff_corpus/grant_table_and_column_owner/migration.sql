GRANT SELECT ON public.orders TO diff_reader;
GRANT SELECT, INSERT, UPDATE ON public.orders TO diff_writer WITH GRANT OPTION;
REVOKE ALL ON public.orders FROM PUBLIC;
