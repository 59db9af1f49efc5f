CREATE TABLE public.orders (id int);
