# velo's side of the bench: the project and its pgbench data, the measured
# branch operations, and what branches cost in disk and memory.
# Branch names: bench/bN (measured), bench/space, bench/idleNN.

# project_init: creates project "bench" and exports the connection of its
# main branch (PGUSER, PGPASSWORD, PGHOST); sets MAIN_PORT, MAIN_VOLUME.
project_init() {
  local fields
  v project create bench --pg-version "$PG_VERSION" >/dev/null || return 1
  mapfile -t fields < <(v branch url bench/main | "$PY" "$BENCH_LIB/fields.py" url)
  export PGUSER=${fields[0]} PGPASSWORD=${fields[1]} PGHOST=127.0.0.1
  MAIN_PORT=${fields[3]}
  MAIN_VOLUME=$(dirname "$(data_dir "$MAIN_PORT")")
  q "$MAIN_PORT" postgres 'create database bench' >/dev/null
}

# load_data DRIVER SCALE: pgbench tables at SCALE in database "bench" of
# bench/main (replacing any earlier scale), then a checkpoint.
load_data() {
  local t0 t1
  stamp t0
  "$PGBIN/pgbench" -i -q -s "$2" -p "$MAIN_PORT" bench >"$WORK/pgbench-$1-$2.log" 2>&1 \
    || { tail -n 5 "$WORK/pgbench-$1-$2.log" >&2; return 1; }
  q "$MAIN_PORT" postgres 'checkpoint' >/dev/null
  stamp t1
  record_space "$1" "database_scale$2" "$(q "$MAIN_PORT" postgres "select pg_database_size('bench')")"
  log "$1: loaded scale $2 in $(elapsed_ms "$t0" "$t1") ms"
}

branch_port() { v --json branch show "$1" | "$PY" "$BENCH_LIB/fields.py" json port; }

# velo_create_run DRIVER SCALE N: `velo branch create` plus the first query
# on the new branch. Reading the port out of velo's JSON is not measured.
velo_create_run() {
  local t0 t1 t2 t3 out port
  stamp t0
  out=$(v --json branch create "bench/b$3") || return 1
  stamp t1
  port=$(printf '%s' "$out" | "$PY" "$BENCH_LIB/fields.py" json port)
  [ -n "$port" ] || port=$(branch_port "bench/b$3")
  stamp t2
  first_query "$port" || return 1
  stamp t3
  record_time "$1" "$2" velo "$(elapsed_ms 0 $((t1 - t0 + t3 - t2)))"
  BRANCH_PORT=$port
}

# velo_reset_run DRIVER SCALE N PORT: reset plus the first query after it.
velo_reset_run() {
  local t0 t1
  stamp t0
  v branch reset "bench/b$3" >/dev/null && first_query "$4" || return 1
  stamp t1
  record_time "$1" "$2" velo_reset "$(elapsed_ms "$t0" "$t1")"
}

velo_delete_run() {
  local t0 t1
  stamp t0
  v branch delete "bench/b$3" >/dev/null || return 1
  stamp t1
  record_time "$1" "$2" velo_delete "$(elapsed_ms "$t0" "$t1")"
}

# velo_round DRIVER SCALE N: create, reset, delete of one branch.
velo_round() {
  velo_create_run "$1" "$2" "$3" || { warn "$1 scale $2: velo branch create failed"; return 1; }
  velo_reset_run "$1" "$2" "$3" "$BRANCH_PORT" || warn "$1 scale $2: velo branch reset failed"
  velo_delete_run "$1" "$2" "$3" || warn "$1 scale $2: velo branch delete failed"
}

used_bytes() { v --json branch show "$1" | "$PY" "$BENCH_LIB/fields.py" json used_bytes; }

# zfs_used_settled DATASET: `zfs get -Hp used`, read until it stops moving
# (zfs accounts written blocks when their transaction group syncs).
zfs_used_settled() {
  local last="" now
  for _ in $(seq 1 20); do
    now=$(zfs get -Hp -o value used "$1")
    [ "$now" = "$last" ] && break
    last=$now
    sleep 1
  done
  printf '%s\n' "$now"
}

# space_measure DRIVER: disk used by a fresh branch, and by the same branch
# after 1% of pgbench_accounts rows were updated (then CHECKPOINT + sync).
space_measure() {
  local driver=$1 port dataset=""
  v branch create bench/space >/dev/null || { warn "$driver: space branch failed"; return 1; }
  port=$(branch_port bench/space)
  if [ "$driver" = zfs ]; then
    dataset=$(zfs list -H -o name "$(dirname "$(data_dir "$port")")" 2>/dev/null)
  fi
  sync
  [ -n "$dataset" ] && record_space "$driver" fresh_branch_zfs_used "$(zfs_used_settled "$dataset")"
  record_space "$driver" fresh_branch "$(used_bytes bench/space)"
  q "$port" bench 'update pgbench_accounts set abalance = abalance + 1 where aid % 100 = 0' >/dev/null
  q "$port" postgres 'checkpoint' >/dev/null
  sync
  [ -n "$dataset" ] && record_space "$driver" branch_after_1pct_update_zfs_used "$(zfs_used_settled "$dataset")"
  record_space "$driver" branch_after_1pct_update "$(used_bytes bench/space)"
  v branch delete bench/space >/dev/null || warn "$driver: deleting bench/space failed"
}

# server_pids PORT: the postmaster listening on PORT and its children.
server_pids() {
  local pm
  pm=$(ss -Hltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
  [ -n "$pm" ] || return 0
  printf '%s\n' "$pm"
  ps -o pid= --ppid "$pm"
}

# rss_measure DRIVER: 20 idle branches running; the sum of RSS (and PSS,
# which splits shared pages fairly) of all their postgres processes.
rss_measure() {
  local driver=$1 i port pid rss=0 pss=0 kb
  for i in $(seq -w 1 20); do
    v branch create "bench/idle$i" >/dev/null || { warn "$driver: idle branch $i failed"; break; }
  done
  sleep 2  # idle means idle: let startup work (checkpoints, autovacuum launcher) settle
  for i in $(seq -w 1 20); do
    port=$(branch_port "bench/idle$i" 2>/dev/null) || continue
    [ -n "$port" ] || continue
    for pid in $(server_pids "$port"); do
      kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
      rss=$((rss + ${kb:-0}))
      kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
      pss=$((pss + ${kb:-0}))
    done
  done
  record_space "$driver" rss_20_idle_branches $((rss * 1024))
  record_space "$driver" pss_20_idle_branches $((pss * 1024))
  for i in $(seq -w 1 20); do v branch delete "bench/idle$i" >/dev/null 2>&1; done
  return 0
}
