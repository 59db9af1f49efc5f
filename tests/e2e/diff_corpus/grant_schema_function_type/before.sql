DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'diff_reader') THEN CREATE ROLE diff_reader; END IF; END $$;
CREATE SCHEMA api;
CREATE FUNCTION api.hello() RETURNS text LANGUAGE sql AS $$ SELECT 'hi' $$;
CREATE TYPE api.level AS ENUM ('low', 'high');
