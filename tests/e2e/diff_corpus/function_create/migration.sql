CREATE FUNCTION public.order_count(c text) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.orders WHERE customer = c $$;
CREATE FUNCTION public.add_tax(x numeric, rate numeric DEFAULT 0.2) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN x * (1 + rate); END $$;
