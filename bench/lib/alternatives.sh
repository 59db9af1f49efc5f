# What a user would do instead of velo, all against the main server (port
# MAIN_PORT, pgbench data in database "bench"); each run is measured until
# the copy answers its first query, then removed (not measured).
#   createdb_file_copy  CREATE DATABASE ... TEMPLATE bench STRATEGY FILE_COPY
#   createdb_wal_log    CREATE DATABASE ... TEMPLATE bench STRATEGY WAL_LOG
#   dump_restore        CREATE DATABASE; pg_dump -Fc bench | pg_restore
#   basebackup          pg_basebackup -X stream -c fast into SCRATCH, then a
#                       bare postgres on it, like the floor
# The template must have no other connections, so nothing else may be
# connected to "bench" while these run.

alt_createdb() {  # STRATEGY N
  q "$MAIN_PORT" postgres "create database bench_copy$2 template bench strategy $1" >/dev/null
  q "$MAIN_PORT" "bench_copy$2" 'select 1' >/dev/null
}

alt_createdb_file_copy() { alt_createdb file_copy "$1"; }
alt_createdb_wal_log() { alt_createdb wal_log "$1"; }

alt_dump_restore() {
  q "$MAIN_PORT" postgres "create database bench_copy$1 template template0" >/dev/null
  "$PGBIN/pg_dump" -Fc -p "$MAIN_PORT" -d bench \
    | "$PGBIN/pg_restore" -p "$MAIN_PORT" -d "bench_copy$1" --no-owner
  q "$MAIN_PORT" "bench_copy$1" 'select 1' >/dev/null
}

alt_basebackup() {
  local port
  port=$(free_port)
  as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$MAIN_PORT" \
    -D "$SCRATCH/basebackup$1" -X stream -c fast
  start_bare "$SCRATCH/basebackup$1" "$port"
  wait_ready "$port" && first_query "$port"
}

# alt_cleanup METHOD N: safe to repeat.
alt_cleanup() {
  case $1 in
    basebackup)
      stop_bare "$SCRATCH/basebackup$2"
      rm -rf "$SCRATCH/basebackup$2" ;;
    *)
      q "$MAIN_PORT" postgres "drop database if exists bench_copy$2" >/dev/null 2>&1 ;;
  esac
  return 0
}

# alt_run METHOD DRIVER SCALE N: one measured run, then its cleanup.
alt_run() {
  local method=$1 driver=$2 scale=$3 n=$4 t0 t1 ok=0
  stamp t0
  "alt_$method" "$n" || ok=1
  stamp t1
  [ "$ok" -eq 0 ] && record_time "$driver" "$scale" "$method" "$(elapsed_ms "$t0" "$t1")"
  alt_cleanup "$method" "$n"
  return "$ok"
}
