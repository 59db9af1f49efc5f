CREATE PUBLICATION big_orders FOR TABLE public.orders (id, total) WHERE (total > 100) WITH (publish = 'insert, update');
CREATE PUBLICATION audit_pub FOR TABLES IN SCHEMA audit WITH (publish_via_partition_root = true);
DROP PUBLICATION old_pub;
CREATE PUBLICATION old_pub FOR ALL TABLES;
