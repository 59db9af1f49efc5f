# The docker runtime's side of the bench (--docker-image): the same branch
# create plus first query as velo_create_run, on a project "benchd" whose
# branches are containers of the engine DOCKER_HOST names, on the same pool
# and pgbench scale as the native project. Recorded as method velo_docker.

# docker_bench DRIVER SCALE: project benchd on IMAGE, pgbench at SCALE, a
# warm-up and RUNS measured creates (each deleted again), then the project
# goes. Its own connection variables: the native project's stay as they are.
docker_bench() {
  local driver=$1 scale=$2 i t0 t1 t2 t3 err="$WORK/docker.err" port
  if ! v project create benchd --runtime docker --image "$DOCKER_IMAGE" >/dev/null 2>"$err"; then
    record_note "$driver" "docker: project create failed: $(tr '\n' ' ' <"$err" | cut -c1-300)"
    return 1
  fi
  (
    branch_conn benchd/main || exit 1
    port=$BR_PORT
    export PGPASSWORD=$BR_PASSWORD
    q "$port" postgres 'create database bench' >/dev/null \
      && "$PGBIN/pgbench" -i -q -s "$scale" -p "$port" bench >"$WORK/pgbench-docker.log" 2>&1 \
      && q "$port" postgres 'checkpoint' >/dev/null
  ) || { record_note "$driver" "docker: loading pgbench failed"; v project delete benchd --force >/dev/null 2>&1; return 1; }
  for i in $(seq 0 "$RUNS"); do
    [ "$i" -gt 0 ] && log "$driver scale $scale: velo on docker, run $i/$RUNS"
    stamp t0
    if ! v branch create "benchd/d$i" >/dev/null 2>"$err"; then
      velo_failed "$driver" "$scale" "docker branch create benchd/d$i" "$err"
      continue
    fi
    stamp t1
    branch_conn "benchd/d$i" || continue
    stamp t2
    PGPASSWORD=$BR_PASSWORD first_query "$BR_PORT" || continue
    stamp t3
    # Run 0 warms the engine and the page cache: not recorded.
    [ "$i" -gt 0 ] && record_time "$driver" "$scale" velo_docker "$(elapsed_ms 0 $((t1 - t0 + t3 - t2)))"
    v branch delete "benchd/d$i" >/dev/null 2>&1 || warn "$driver: deleting benchd/d$i failed"
  done
  v project delete benchd --force >/dev/null 2>&1 || warn "$driver: deleting project benchd failed"
}
