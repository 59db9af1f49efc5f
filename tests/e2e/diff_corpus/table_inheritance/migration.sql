CREATE TABLE public.bikes (gears int) INHERITS (public.vehicles);
ALTER TABLE public.cars NO INHERIT public.vehicles;
