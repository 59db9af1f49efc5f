CREATE VIEW public.order_totals AS SELECT customer, count(*) AS total FROM public.orders GROUP BY customer;
