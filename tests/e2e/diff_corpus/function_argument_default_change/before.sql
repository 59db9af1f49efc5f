CREATE FUNCTION public.greet(name text DEFAULT 'world') RETURNS text LANGUAGE sql AS $$ SELECT 'hello ' || name $$;
