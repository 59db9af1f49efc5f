DROP TYPE public.color;
CREATE TYPE public.color AS ENUM ('red', 'blue');
