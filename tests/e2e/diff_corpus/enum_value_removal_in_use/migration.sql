DROP VIEW public.sad_people;
ALTER TYPE public.mood RENAME TO mood_old;
CREATE TYPE public.mood AS ENUM ('sad', 'ok');
ALTER TABLE public.people ALTER COLUMN mood DROP DEFAULT;
ALTER TABLE public.people ALTER COLUMN mood TYPE public.mood USING mood::text::public.mood;
ALTER TABLE public.people ALTER COLUMN mood SET DEFAULT 'ok';
ALTER TABLE public.people ALTER COLUMN other TYPE public.mood USING other::text::public.mood;
DROP TYPE public.mood_old;
CREATE VIEW public.sad_people AS SELECT id FROM public.people WHERE mood = 'sad';
