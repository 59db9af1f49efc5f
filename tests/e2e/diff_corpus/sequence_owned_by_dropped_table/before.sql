create table audit (id bigserial primary key, what text);
create table keep (id int);
