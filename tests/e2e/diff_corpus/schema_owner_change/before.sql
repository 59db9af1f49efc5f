DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'diff_owner') THEN CREATE ROLE diff_owner; END IF; END $$;
CREATE SCHEMA reports;
