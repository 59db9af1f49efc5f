ALTER SEQUENCE public.s OWNED BY public.t.other;
ALTER SEQUENCE public.free OWNED BY public.t.id;
ALTER TABLE public.t ALTER COLUMN other SET DEFAULT nextval('public.s');
