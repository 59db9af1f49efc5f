ALTER POLICY p1 ON public.orders TO diff_app USING (customer = session_user);
DROP POLICY p2 ON public.orders;
DROP POLICY p3 ON public.orders;
CREATE POLICY p3 ON public.orders FOR UPDATE USING (true);
ALTER TABLE public.orders DISABLE ROW LEVEL SECURITY;
