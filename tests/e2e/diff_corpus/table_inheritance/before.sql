CREATE TABLE public.vehicles (id int, name text);
CREATE TABLE public.cars (doors int) INHERITS (public.vehicles);
