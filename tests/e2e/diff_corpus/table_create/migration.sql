CREATE TABLE public.orders (
  id bigint PRIMARY KEY,
  customer_id int REFERENCES public.customers (id),
  total numeric(10,2) NOT NULL DEFAULT 0,
  note text
);
CREATE INDEX orders_customer_idx ON public.orders (customer_id);
