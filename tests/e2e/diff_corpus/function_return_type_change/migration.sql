DROP VIEW public.v;
DROP FUNCTION public.f();
CREATE FUNCTION public.f() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';
CREATE VIEW public.v AS SELECT public.f() AS x;
