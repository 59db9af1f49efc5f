DROP POLICY p ON public.orders;
ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(14,2);
CREATE POLICY p ON public.orders USING (total > 0);
