CREATE TABLE public.events (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.events ADD PRIMARY KEY (id, at);
CREATE TABLE public.notes (event_id int, event_at date);
