ALTER TABLE public.events ADD COLUMN kind text;
CREATE INDEX events_kind_idx ON public.events (kind) WHERE kind IS NOT NULL;
CREATE INDEX events_2025_id_idx ON public.events_2025 (id);
