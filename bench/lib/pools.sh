# One velo home per storage driver, on a pool velo makes itself
# (velo init --image-file ... for zfs, btrfs and reflink on XFS; a plain
# directory for copy), and the teardown that removes all of it again.
# Everything lives under WORK, named per run, so that two runs never meet.

# velo HOME ARGS...: the velo binary on the current driver's home.
v() { "$VELO_BIN" --home "$VHOME" "$@"; }

# driver_available DRIVER: whether this machine can run it, else the reason.
driver_available() {
  case $1 in
    zfs)
      command -v zpool >/dev/null || { echo "zpool not installed (zfs-fuse)"; return 1; }
      [ -c /dev/fuse ] || { echo "/dev/fuse missing"; return 1; } ;;
    btrfs)
      grep -qw btrfs /proc/filesystems || modprobe btrfs 2>/dev/null \
        || { echo "kernel has no btrfs"; return 1; } ;;
    reflink)
      grep -qw xfs /proc/filesystems || modprobe xfs 2>/dev/null \
        || { echo "kernel has no xfs"; return 1; } ;;
    copy) ;;
    *) echo "unknown driver"; return 1 ;;
  esac
  case $1 in btrfs | reflink)
    losetup -f >/dev/null 2>&1 || { echo "no free loop device"; return 1; } ;;
  esac
}

# zfs-fuse's daemon must run for zpool/zfs to work; started if not running
# (and left running: other users of the machine may share it).
ensure_zfs_daemon() {
  zpool list >/dev/null 2>&1 && return 0
  log "starting zfs-fuse"
  zfs-fuse >/dev/null 2>&1 || true
  for _ in $(seq 1 100); do zpool list >/dev/null 2>&1 && return 0; nap 0.1; done
  return 1
}

# pool_init DRIVER: sets VHOME and runs velo init. Fails with velo's message.
pool_init() {
  local driver=$1 fs
  VHOME="$WORK/home-$driver"
  printf '%s\n' "$driver" >>"$WORK/pools.txt"
  case $driver in
    zfs) ensure_zfs_daemon || return 1; fs=zfs ;;
    btrfs) fs=btrfs ;;
    reflink) fs=xfs ;;
  esac
  if [ "$driver" = copy ]; then
    mkdir -p "$WORK/copy-store"
    v --json init --no-service --storage copy --path "$WORK/copy-store" --port-range "$PORT_RANGE" \
      >"$WORK/init-$driver.json" || return 1
  else
    v --json init --no-service --storage "$driver" --image-file "$WORK/$driver.img" --size "$POOL_SIZE" \
      --fs "$fs" --port-range "$PORT_RANGE" >"$WORK/init-$driver.json" || return 1
  fi
  # velo keeps its data (the pool's mountpoint, logs) under data_root,
  # outside the home: remembered so that the teardown can remove it.
  "$PY" "$BENCH_LIB/fields.py" json data_root <"$WORK/init-$driver.json" >"$WORK/dataroot-$driver"
}

# scratch_init DRIVER: SCRATCH, a directory on the same filesystem as the
# main branch, for floor clones and pg_basebackup copies. On zfs it is a
# dataset of the same pool (FLOOR_ZFS_PARENT), and MAIN_DATASET is set.
scratch_init() {
  local driver=$1 name mp
  case $driver in
    zfs)
      MAIN_DATASET=""
      while IFS=$'\t' read -r name mp; do
        [ "$mp" = "$MAIN_VOLUME" ] && MAIN_DATASET=$name
      done < <(zfs list -H -o name,mountpoint -t filesystem)
      [ -n "$MAIN_DATASET" ] || { warn "no zfs dataset mounted at $MAIN_VOLUME"; return 1; }
      FLOOR_ZFS_PARENT="${MAIN_DATASET%%/*}/benchscratch"
      SCRATCH="$WORK/scratch-zfs"
      zfs create -o mountpoint="$SCRATCH" "$FLOOR_ZFS_PARENT" || return 1 ;;
    btrfs | reflink)
      SCRATCH="$(findmnt -n -o TARGET --target "$MAIN_VOLUME")/bench-scratch"
      mkdir -p "$SCRATCH" ;;
    copy)
      SCRATCH="$WORK/scratch-copy"
      mkdir -p "$SCRATCH" ;;
  esac
  chown postgres: "$SCRATCH"
  chmod 0755 "$SCRATCH"
  printf '%s\t%s\t%s\t%s\n' "$driver" "$SCRATCH" "${FLOOR_ZFS_PARENT:-}" \
    "${MAIN_DATASET:-}" >>"$WORK/scratch.tsv"
}

# scratch_teardown DRIVER SCRATCH ZFS_PARENT MAIN_DATASET
scratch_teardown() {
  local driver=$1 dir
  SCRATCH=$2 FLOOR_ZFS_PARENT=$3 MAIN_DATASET=$4
  for dir in "$SCRATCH"/floor* "$SCRATCH"/basebackup*; do
    [ -e "$dir" ] || continue
    case $dir in
      */floor*) floor_cleanup "$driver" "${dir##*/floor}" ;;
      *) stop_bare "$dir"; rm -rf "$dir" ;;
    esac
  done
  if [ "$driver" = zfs ]; then
    zfs destroy -r "$FLOOR_ZFS_PARENT" 2>/dev/null
    rmdir "$SCRATCH" 2>/dev/null
  else
    rm -rf "$SCRATCH"
  fi
  return 0
}

# kill_leftover_servers DIR: fast shutdown of any postmaster whose data
# directory (-D) lies under DIR: servers velo started for this run and could
# not stop, which would keep the pool busy.
kill_leftover_servers() {
  local dir=${1%/} proc pid args
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  for proc in /proc/[0-9]*; do
    [ "$(cat "$proc/comm" 2>/dev/null)" = postgres ] || continue
    args=$(tr '\0' '\n' <"$proc/cmdline" 2>/dev/null | grep -A1 -x -- -D | tail -n1)
    case $args in "$dir"/*) ;; *) continue ;; esac
    pid=${proc#/proc/}
    log "stopping leftover postgres $pid ($args)"
    kill -INT "$pid" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; nap 0.1; done
  done
}

# pool_teardown DRIVER: velo project delete, then the pool itself. Safe to
# repeat; every step tolerates what is already gone.
pool_teardown() {
  local driver=$1 image="$WORK/$1.img" pool dev mnt
  VHOME="$WORK/home-$driver"
  if [ -d "$VHOME" ] && [ -x "$VELO_BIN" ]; then
    timeout 300 "$VELO_BIN" --home "$VHOME" project delete bench --force >/dev/null 2>&1 \
      || warn "$driver: velo project delete bench --force failed"
    # The docker leg's project, if an interrupted run left it.
    if [ -n "${DOCKER_IMAGE:-}" ]; then
      timeout 300 "$VELO_BIN" --home "$VHOME" project delete benchd --force >/dev/null 2>&1
    fi
  fi
  kill_leftover_servers "$WORK"
  case $driver in
    zfs)
      while IFS= read -r pool; do
        if zpool status "$pool" 2>/dev/null | grep -qF "$image"; then
          kill_leftover_servers "$(zfs get -H -o value mountpoint "$pool" 2>/dev/null)"
          for _ in 1 2 3 4 5; do zpool destroy -f "$pool" 2>/dev/null && break; sleep 1; done
        fi
      done < <(zpool list -H -o name 2>/dev/null) ;;
    btrfs | reflink)
      while IFS=: read -r dev _; do
        [ -n "$dev" ] || continue
        while IFS= read -r mnt; do
          [ -n "$mnt" ] || continue
          kill_leftover_servers "$mnt"
          umount "$mnt" 2>/dev/null || umount -l "$mnt"
        done < <(findmnt -n -o TARGET -S "$dev")
        losetup -d "$dev"
      done < <(losetup -j "$image") ;;
  esac
  rm -f "$image"
  remove_data_root "$driver"
  return 0
}

# remove_data_root DRIVER: velo's data root for this run's home, once
# nothing is mounted below it; only a path of the form velo uses.
remove_data_root() {
  local root
  root=$(cat "$WORK/dataroot-$1" 2>/dev/null)
  case $root in
    /var/lib/velo/?* | "$WORK"/?*) ;;
    *) return 0 ;;
  esac
  [ -d "$root" ] || return 0
  kill_leftover_servers "$root"
  if findmnt -rn -o TARGET | grep -qF "$root"; then
    warn "$1: something is still mounted under $root; left in place"
    return 0
  fi
  rm -rf --one-file-system "$root"
}
