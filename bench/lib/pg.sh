# PostgreSQL helpers for servers the bench starts by hand (floor, basebackup)
# and for queries. Connection: PGHOST/PGUSER/PGPASSWORD are exported by the
# caller (bench/run), so no password ever appears in argv.

PG_VERSION=${PG_VERSION:-15}
PGBIN=/usr/lib/postgresql/$PG_VERSION/bin

# q PORT DB SQL...: runs SQL, prints unaligned tuples-only output.
q() {
  local port=$1 db=$2
  shift 2
  "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -p "$port" -d "$db" -c "$*"
}

# first_query PORT: the query that proves a server answers.
first_query() { q "$1" postgres 'select 1' >/dev/null; }

# wait_ready PORT [TIMEOUT_S]: polls every 5 ms from one process until the
# server accepts connections (default limit 300 s: crash recovery of a large
# clone can be slow on zfs-fuse).
wait_ready() { "$PY" "$BENCH_LIB/pgwait.py" 127.0.0.1 "$1" "${2:-300}"; }

# start_bare DATADIR PORT: a plain postgres on a clone, detached, as the
# postgres user. archive_mode=off: a clone must never archive into its
# parent's archive. The socket goes into the bench's own directory.
# BARE_SETTINGS (postgres -c options, branch_settings_args) gives it the
# settings velo gives a branch.
BARE_SETTINGS=()
start_bare() {
  local dir=$1 port=$2
  rm -f "$dir/postmaster.pid"
  as_postgres "$PGBIN/postgres" -D "$dir" -p "$port" \
    -c listen_addresses=127.0.0.1 -c archive_mode=off \
    -c unix_socket_directories="$WORK/sock" "${BARE_SETTINGS[@]}" \
    </dev/null >>"$WORK/bare-$port.log" 2>&1 &
  printf '%s\t%s\n' "$dir" "$port" >>"$WORK/bare-servers.tsv"
}

# stop_bare DATADIR: fast shutdown of a server start_bare launched; waits
# until the postmaster has gone.
stop_bare() {
  local dir=$1 pid
  [ -f "$dir/postmaster.pid" ] || return 0
  pid=$(head -n1 "$dir/postmaster.pid")
  [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 6000); do
    kill -0 "$pid" 2>/dev/null || return 0
    nap 0.01
  done
  kill -QUIT "$pid" 2>/dev/null || true
}

# stop_all_bare: teardown of every server start_bare launched in this run.
stop_all_bare() {
  [ -f "$WORK/bare-servers.tsv" ] || return 0
  local dir port
  while IFS=$'\t' read -r dir port; do
    stop_bare "$dir"
  done <"$WORK/bare-servers.tsv"
}

# data_dir PORT: the server's data directory, as it reports it.
data_dir() { q "$1" postgres 'show data_directory'; }
