CREATE STATISTICS public.orders_customer_total (dependencies, ndistinct) ON customer, total FROM public.orders;
ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(12,2);
