ALTER TYPE public.mood ADD VALUE 'joyful';
