# The docker runtime's side of the bench (--docker-image): the same branch
# create plus first query as velo_create_run, on a project "benchd" whose
# branches are containers of the engine DOCKER_HOST names, on the same pool
# and pgbench scale as the native project. Recorded as method velo_docker.

# docker_bench DRIVER SCALE: project benchd on IMAGE, pgbench at SCALE, a
# warm-up and RUNS measured creates (each deleted again), then the project
# goes. Its own connection variables: the native project's stay as they are.
docker_bench() {
  local driver=$1 scale=$2 i err="$WORK/docker.err" port
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
    # Run 0 warms the engine and the page cache: not recorded.
    local warmup=""
    [ "$i" -eq 0 ] && warmup=1
    [ "$i" -gt 0 ] && log "$driver scale $scale: velo on docker, run $i/$RUNS"
    if WARMUP=$warmup velo_create_run "$driver" "$scale" "$i" benchd velo_docker 2>"$err"; then
      v branch delete "benchd/b$i" >/dev/null 2>&1 || warn "$driver: deleting benchd/b$i failed"
    else
      velo_failed "$driver" "$scale" "docker branch create benchd/b$i" "$err"
    fi
  done
  v project delete benchd --force >/dev/null 2>&1 || warn "$driver: deleting project benchd failed"
}
