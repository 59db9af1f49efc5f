CREATE DOMAIN public.positive_money AS numeric(10,2) NOT NULL CHECK (VALUE >= 0);
ALTER TABLE public.orders ADD COLUMN refund public.positive_money DEFAULT 0;
