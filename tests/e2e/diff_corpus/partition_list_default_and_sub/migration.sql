CREATE TABLE public.sales (region text, at date, amount numeric) PARTITION BY LIST (region);
CREATE TABLE public.sales_eu PARTITION OF public.sales FOR VALUES IN ('eu') PARTITION BY RANGE (at);
CREATE TABLE public.sales_eu_2025 PARTITION OF public.sales_eu FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.sales_rest PARTITION OF public.sales DEFAULT;
ALTER TABLE public.sales ADD CONSTRAINT sales_amount_positive CHECK (amount > 0);
