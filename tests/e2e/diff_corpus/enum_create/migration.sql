CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'shipped');
ALTER TABLE public.orders ADD COLUMN status public.order_status NOT NULL DEFAULT 'new';
