# velo's side of the bench: the project and its pgbench data, the measured
# branch operations, and what branches cost in disk and memory.
# Branch names: bench/bN (measured), bench/space, bench/idleNN.

# project_init: creates project "bench" and exports the connection of its
# main branch (PGUSER, PGPASSWORD, PGHOST); sets MAIN_PORT, MAIN_VOLUME.
project_init() {
  local fields
  v project create bench --pg-version "$PG_VERSION" >/dev/null || return 1
  mapfile -t fields < <(v branch url bench/main | "$PY" "$BENCH_LIB/fields.py" url)
  [ "${#fields[@]}" -ge 4 ] || { warn "velo branch url bench/main printed no URL"; return 1; }
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

# branch_settings_args: the server settings velo gives a new branch
# (`branch show --json`), as postgres -c options in BARE_SETTINGS, so
# that the floor's bare server starts as a branch's does: a smaller
# shared_buffers starts faster. Empty with a velo that has none.
branch_settings_args() {
  v branch create bench/settings --no-start --no-archive >/dev/null || return 1
  mapfile -t BARE_SETTINGS < <(settings_of bench/settings)
  v branch delete bench/settings >/dev/null
}

# settings_of BRANCH [NAME...]: the branch's server settings (`branch show
# --json`) but the NAMEs, as postgres -c options, one word a line.
settings_of() {
  v --json branch show "$1" | "$PY" -c '
import json, sys
for name, value in json.load(sys.stdin).get("settings", {}).items():
    if name not in sys.argv[1:]:
        print("-c")
        print(f"{name}={value}")' "${@:2}"
}

# branch_conn NAME: sets BR_PORT and BR_PASSWORD from `velo branch url`
# (each branch has its own password).
branch_conn() {
  local fields
  mapfile -t fields < <(v branch url "$1" | "$PY" "$BENCH_LIB/fields.py" url)
  BR_PASSWORD=${fields[1]:-} BR_PORT=${fields[3]:-}
  [ -n "$BR_PORT" ]
}

# velo_create_run DRIVER SCALE N [PROJECT METHOD]: `velo branch create
# PROJECT/bN` (default project bench) plus the first query on the new
# branch, recorded as METHOD (default velo). Asking velo for the branch's
# URL (port and password) in between is not measured.
velo_create_run() {
  local project=${4:-bench} method=${5:-velo} t0 t1 t2 t3
  local timings="$WORK/timings.txt"
  stamp t0
  v --timings branch create "$project/b$3" >/dev/null 2>"$timings" || { cat "$timings" >&2; return 1; }
  stamp t1
  record_steps "$1" "$2" "$method" "$timings"
  branch_conn "$project/b$3" || return 1
  stamp t2
  PGPASSWORD=$BR_PASSWORD first_query "$BR_PORT" || return 1
  stamp t3
  record_time "$1" "$2" "$method" "$(elapsed_ms 0 $((t1 - t0 + t3 - t2)))"
}

# velo_reset_run DRIVER SCALE N: reset plus the first query after it
# (port and password of the branch from velo_create_run).
velo_reset_run() {
  local t0 t1
  local timings="$WORK/timings.txt"
  stamp t0
  v --timings branch reset "bench/b$3" >/dev/null 2>"$timings" || { cat "$timings" >&2; return 1; }
  PGPASSWORD=$BR_PASSWORD first_query "$BR_PORT" || return 1
  stamp t1
  record_time "$1" "$2" velo_reset "$(elapsed_ms "$t0" "$t1")"
  record_steps "$1" "$2" velo_reset "$timings"
}

velo_delete_run() {
  local t0 t1
  local timings="$WORK/timings.txt"
  stamp t0
  v --timings branch delete "bench/b$3" >/dev/null 2>"$timings" || { cat "$timings" >&2; return 1; }
  stamp t1
  record_time "$1" "$2" velo_delete "$(elapsed_ms "$t0" "$t1")"
  record_steps "$1" "$2" velo_delete "$timings"
}

# velo_round DRIVER SCALE N: create, reset, delete of one branch. A failure
# goes into the notes with velo's own error message.
velo_round() {
  local err="$WORK/velo.err"
  if ! velo_create_run "$1" "$2" "$3" 2>"$err"; then
    velo_failed "$1" "$2" "branch create bench/b$3" "$err"
    v branch delete "bench/b$3" >/dev/null 2>&1
    return 1
  fi
  velo_reset_run "$1" "$2" "$3" 2>"$err" || velo_failed "$1" "$2" "branch reset bench/b$3" "$err"
  velo_delete_run "$1" "$2" "$3" 2>"$err" || velo_failed "$1" "$2" "branch delete bench/b$3" "$err"
}

velo_failed() {  # DRIVER SCALE WHAT ERRFILE
  record_note "$1" "scale $2: velo $3 failed: $(tr '\n' ' ' <"$4" | cut -c1-300)"
}

unique_bytes() { v --json branch show "$1" | "$PY" "$BENCH_LIB/fields.py" json unique_bytes; }

# zfs_used DATASET: `zfs get -Hp used` after forcing transaction group
# syncs (zfs-fuse accounts written blocks only when their txg syncs, up to
# half a minute later; creating a snapshot, here of the bench's own scratch
# dataset, syncs at once; the second sync settles deferred frees).
zfs_used() {
  for _ in 1 2; do
    zfs snapshot "$FLOOR_ZFS_PARENT@txgsync" && zfs destroy "$FLOOR_ZFS_PARENT@txgsync"
  done
  zfs get -Hp -o value used "$1"
}

# space_measure DRIVER SCALE: disk used by a fresh branch, and by the same
# branch after 1% of pgbench_accounts rows were updated (then CHECKPOINT +
# sync). The rows are contiguous (aid <= scale * 1000): 1% of the table's
# pages. Spread evenly (aid % 100 = 0) they would touch every page.
space_measure() {
  local driver=$1 dataset=""
  v branch create bench/space >/dev/null && branch_conn bench/space \
    || { warn "$driver: space branch failed"; return 1; }
  local PGPASSWORD=$BR_PASSWORD
  if [ "$driver" = zfs ]; then
    dataset=$(zfs list -H -o name "$(dirname "$(data_dir "$BR_PORT")")" 2>/dev/null)
  fi
  sync
  [ -n "$dataset" ] && record_space "$driver" fresh_branch_zfs_used "$(zfs_used "$dataset")"
  record_space "$driver" fresh_branch "$(unique_bytes bench/space)"
  q "$BR_PORT" bench "update pgbench_accounts set abalance = abalance + 1 where aid <= $2 * 1000" >/dev/null \
    && q "$BR_PORT" postgres 'checkpoint' >/dev/null \
    || { warn "$driver: update on bench/space failed"; v branch delete bench/space >/dev/null; return 1; }
  sync
  [ -n "$dataset" ] && record_space "$driver" branch_after_1pct_update_zfs_used "$(zfs_used "$dataset")"
  record_space "$driver" branch_after_1pct_update "$(unique_bytes bench/space)"
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

# branch_memory DRIVER WHAT PREFIX: the sum of RSS (and PSS, which splits
# shared pages fairly) of every postgres process of the branches whose
# name starts with PREFIX ("bench/idle"), recorded as rss_WHAT and pss_WHAT.
branch_memory() {
  local driver=$1 what=$2 port pid rss=0 pss=0 kb
  while read -r port; do
    for pid in $(server_pids "$port"); do
      kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
      rss=$((rss + ${kb:-0}))
      kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
      pss=$((pss + ${kb:-0}))
    done
  done < <(v --json branch list | "$PY" -c '
import json, sys
for b in json.load(sys.stdin):
    if b["name"].startswith(sys.argv[1]) and b.get("port"):
        print(b["port"])' "$3")
  record_space "$driver" "rss_$what" $((rss * 1024))
  record_space "$driver" "pss_$what" $((pss * 1024))
}

# rss_measure DRIVER: the memory of 20 idle branches running.
rss_measure() {
  local driver=$1 i
  for i in $(seq -w 1 20); do
    v branch create "bench/idle$i" >/dev/null || { warn "$driver: idle branch $i failed"; break; }
  done
  sleep 2  # idle means idle: let startup work (checkpoints, autovacuum launcher) settle
  branch_memory "$driver" 20_idle_branches bench/idle
  for i in $(seq -w 1 20); do v branch delete "bench/idle$i" >/dev/null 2>&1; done
  return 0
}
