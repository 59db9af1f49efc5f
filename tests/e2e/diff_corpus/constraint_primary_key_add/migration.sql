ALTER TABLE public.t ADD PRIMARY KEY (id);
ALTER TABLE public.t ADD CONSTRAINT t_code_key UNIQUE (code);
