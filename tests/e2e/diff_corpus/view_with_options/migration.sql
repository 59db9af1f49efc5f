CREATE VIEW public.cheap WITH (security_invoker = true) AS SELECT id, total FROM public.orders WHERE total < 5 WITH CASCADED CHECK OPTION;
