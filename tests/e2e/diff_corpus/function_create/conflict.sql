CREATE FUNCTION public.order_count(c text) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
