CREATE VIEW public.order_totals AS SELECT customer, sum(total) AS total FROM public.orders GROUP BY customer;
CREATE VIEW public.top_customers WITH (security_barrier = true) AS SELECT customer FROM public.order_totals WHERE total > 10;
