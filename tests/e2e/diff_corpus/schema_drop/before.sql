CREATE SCHEMA old_stuff;
CREATE TABLE old_stuff.t (id int);
CREATE VIEW old_stuff.v AS SELECT id FROM old_stuff.t;
