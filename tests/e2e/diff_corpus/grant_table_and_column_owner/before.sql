DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'diff_reader') THEN CREATE ROLE diff_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'diff_writer') THEN CREATE ROLE diff_writer; END IF; END $$;
CREATE TABLE public.orders (
  id bigint PRIMARY KEY,
  customer text NOT NULL,
  total numeric(10,2) NOT NULL DEFAULT 0,
  placed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.orders VALUES (1, 'ada', 12.50), (2, 'bob', 3.00);
