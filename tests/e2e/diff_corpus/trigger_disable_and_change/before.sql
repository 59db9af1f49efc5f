CREATE TABLE public.orders (
  id bigint PRIMARY KEY,
  customer text NOT NULL,
  total numeric(10,2) NOT NULL DEFAULT 0,
  placed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.orders VALUES (1, 'ada', 12.50), (2, 'bob', 3.00);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.placed_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t1 BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE TRIGGER t2 BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch();
