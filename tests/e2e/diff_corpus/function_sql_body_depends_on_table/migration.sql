CREATE FUNCTION public.total_of(i bigint) RETURNS numeric LANGUAGE sql STABLE BEGIN ATOMIC SELECT total FROM public.orders WHERE id = i; END;
