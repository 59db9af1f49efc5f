CREATE DOMAIN public.code AS text;
CREATE DOMAIN public.qty AS int CONSTRAINT qty_positive CHECK (VALUE > 0);
