CREATE EXTENSION hstore;
ALTER TABLE public.orders ADD COLUMN attrs public.hstore;
CREATE INDEX orders_attrs_idx ON public.orders USING gist (attrs);
