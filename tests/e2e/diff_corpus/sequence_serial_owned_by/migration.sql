ALTER TABLE public.t ADD COLUMN id serial;
CREATE TABLE public.u (id bigserial PRIMARY KEY);
