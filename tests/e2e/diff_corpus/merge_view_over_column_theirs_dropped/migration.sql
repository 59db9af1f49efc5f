CREATE VIEW public.by_customer AS SELECT customer, count(*) AS n FROM public.orders GROUP BY customer;
