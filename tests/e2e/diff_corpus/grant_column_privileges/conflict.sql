GRANT UPDATE (customer) ON public.orders TO PUBLIC;
