ALTER SCHEMA reports OWNER TO diff_owner;
