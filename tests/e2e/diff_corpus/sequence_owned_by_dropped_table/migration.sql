-- the table's bigserial sequence is OWNED BY its column: it goes with it
drop table audit;
