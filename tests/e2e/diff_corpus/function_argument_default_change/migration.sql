DROP FUNCTION public.greet(text);
CREATE FUNCTION public.greet(who text DEFAULT 'you') RETURNS text LANGUAGE sql AS $$ SELECT 'hi ' || who $$;
