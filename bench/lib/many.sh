# bench/run --many N: N branches of one scale-10 main, created one after
# another and left running. Records each create's time against the branch
# count (many.tsv) with velo's steps of the first and last ten (steps.tsv),
# `branch list` and `status` (measuring, then cached) every 10 branches
# (many_list.tsv), then the memory of all the idle servers, the pool's
# disk and the time to delete them all (space.tsv, times.tsv).
# Beside each of the first and last ten creates, one floor run (with
# MANY_FLOOR=1: the same snapshot and a bare postgres, gone again at once),
# so that what grows with the count can be told apart: the filesystem and
# PostgreSQL among N running servers, or velo.
# Branch names: bench/mNNN.

# many_time VAR COMMAND...: runs COMMAND (output dropped), VAR = its ms.
many_time() {
  local var=$1 t0 t1
  shift
  stamp t0
  "$@" >/dev/null 2>"$WORK/many.timings" || { cat "$WORK/many.timings" >>"$WORK/many.err"; return 1; }
  stamp t1
  printf -v "$var" '%s' "$(elapsed_ms "$t0" "$t1")"
}

# many_pool_used: bytes used in the pool, as velo reports it.
many_pool_used() {
  v --json status --fresh | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["pool"]["used_bytes"])'
}

many_bench() {
  local driver=$1 count=$2 i name ms list_ms status_ms warm_ms bucket made=0 t0 t1
  load_data "$driver" 10 || return 1
  local before
  before=$(many_pool_used)
  stamp t0
  for i in $(seq 1 "$count"); do
    printf -v name 'bench/m%03d' "$i"
    if ! many_time ms v --timings branch create "$name"; then
      record_note "$driver" "--many: branch create $name failed: $(tail -n 1 "$WORK/many.err")"
      break
    fi
    made=$i
    printf '%s\t%s\t%s\n' "$driver" "$i" "$ms" >>"$WORK/many.tsv"
    # velo's steps of the first ten creates and of the last ten, side by side.
    if [ "$i" -le 10 ]; then bucket=first10; elif [ "$i" -gt $((count - 10)) ]; then bucket=last10; else bucket=""; fi
    if [ -n "$bucket" ]; then
      record_steps "$driver" 10 "many_create_$bucket" "$WORK/many.timings"
      [ "${MANY_FLOOR:-0}" -eq 0 ] || floor_run "$driver" 10 "m$i" "many_floor_$bucket" \
        || warn "$driver --many: floor run $i failed"
    fi
    if [ $((i % 10)) -eq 0 ] || [ "$i" -eq 1 ]; then
      # status twice: the first measures the sizes of the branches made
      # since the last call; the second reads them from velo's cache, as
      # every status does while `velo maintain` runs.
      many_time list_ms v branch list && many_time status_ms v status \
        && many_time warm_ms v status \
        && printf '%s\t%s\t%s\t%s\t%s\n' "$driver" "$i" "$list_ms" "$status_ms" "$warm_ms" \
          >>"$WORK/many_list.tsv"
    fi
    [ $((i % 25)) -eq 0 ] && log "$driver --many: $i branches"
  done
  stamp t1
  record_time "$driver" 10 many_create_all "$(elapsed_ms "$t0" "$t1")"
  [ "$made" -gt 0 ] || return 1
  sleep 10  # idle means idle: startup work (checkpoints, autovacuum) settles
  branch_memory "$driver" "${made}_idle_branches" bench/m
  record_space "$driver" "pool_used_by_${made}_branches" $(($(many_pool_used) - before))
  stamp t0
  for i in $(seq 1 "$made"); do
    printf -v name 'bench/m%03d' "$i"
    v branch delete "$name" >/dev/null 2>>"$WORK/many.err" \
      || record_note "$driver" "--many: branch delete $name failed"
  done
  stamp t1
  record_time "$driver" 10 many_delete_all "$(elapsed_ms "$t0" "$t1")"
}
