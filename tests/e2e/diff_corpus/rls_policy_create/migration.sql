ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY own_orders ON public.orders FOR SELECT TO diff_app USING (customer = current_user);
CREATE POLICY no_big ON public.orders AS RESTRICTIVE FOR INSERT WITH CHECK (total < 1000);
