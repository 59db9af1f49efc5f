CREATE FUNCTION public.f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
