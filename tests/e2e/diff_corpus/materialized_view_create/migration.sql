CREATE MATERIALIZED VIEW public.customer_totals AS SELECT customer, sum(total) AS total FROM public.orders GROUP BY customer;
CREATE UNIQUE INDEX customer_totals_idx ON public.customer_totals (customer);
