CREATE DOMAIN public.email AS text;
CREATE TABLE public.users (id int, email public.email);
