CREATE TABLE public.events (id int) INHERITS (public.named, public.dated);
ALTER TABLE public.named ADD COLUMN label text;
