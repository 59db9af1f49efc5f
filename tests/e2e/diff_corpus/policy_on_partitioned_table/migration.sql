ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY recent ON public.events USING (at > '2024-01-01');
