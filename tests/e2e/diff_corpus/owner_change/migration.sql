ALTER TABLE public.orders OWNER TO diff_owner;
ALTER VIEW public.v OWNER TO diff_owner;
ALTER FUNCTION public.f() OWNER TO diff_owner;
ALTER TYPE public.e OWNER TO diff_owner;
ALTER SEQUENCE public.s OWNER TO diff_owner;
