ALTER TYPE public.mood ADD VALUE 'happy';
ALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'ok';
ALTER TYPE public.mood ADD VALUE 'awful' BEFORE 'sad';
