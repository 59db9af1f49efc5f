CREATE SCHEMA sales;
CREATE TABLE sales.leads (id int);
