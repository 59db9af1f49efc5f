CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE public.people (id int, mood public.mood DEFAULT 'ok', other public.mood);
INSERT INTO public.people VALUES (1, 'sad', 'sad'), (2, 'ok', NULL);
CREATE VIEW public.sad_people AS SELECT id FROM public.people WHERE mood = 'sad';
CREATE INDEX people_mood_idx ON public.people (mood);
