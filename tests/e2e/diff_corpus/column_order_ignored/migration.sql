DROP TABLE public.t;
CREATE TABLE public.t (c date, b text, a int);
COMMENT ON TABLE public.t IS 'same columns, new order';
