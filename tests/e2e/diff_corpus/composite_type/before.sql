CREATE TYPE public.address AS (street text, city text);
CREATE TYPE public.point3 AS (x int, y int);
