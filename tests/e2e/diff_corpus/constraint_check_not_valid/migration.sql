ALTER TABLE public.orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
ALTER TABLE public.orders ADD CONSTRAINT orders_customer_short CHECK (length(customer) < 100);
