DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'diff_reader') THEN CREATE ROLE diff_reader; END IF; END $$;
CREATE SCHEMA app;
