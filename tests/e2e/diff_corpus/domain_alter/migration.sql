ALTER DOMAIN public.code SET DEFAULT 'x';
ALTER DOMAIN public.code SET NOT NULL;
ALTER DOMAIN public.code ADD CONSTRAINT code_short CHECK (length(VALUE) < 10);
ALTER DOMAIN public.qty DROP CONSTRAINT qty_positive;
