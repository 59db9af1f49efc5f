CREATE EXTENSION citext WITH SCHEMA ext;
CREATE TABLE public.users (email ext.citext PRIMARY KEY);
