BEGIN;
ALTER TYPE public.state ADD VALUE 'published';
COMMIT;
ALTER TABLE public.docs ALTER COLUMN state SET DEFAULT 'published';
