GRANT DELETE ON public.orders TO diff_reader;
