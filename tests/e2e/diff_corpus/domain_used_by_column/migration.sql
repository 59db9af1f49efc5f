ALTER DOMAIN public.email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;
CREATE DOMAIN public.handle AS varchar(30) COLLATE "C";
ALTER TABLE public.users ADD COLUMN handle public.handle;
