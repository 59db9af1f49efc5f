ALTER TABLE public.notes ADD CONSTRAINT notes_event_fk FOREIGN KEY (event_id, event_at) REFERENCES public.events (id, at);
