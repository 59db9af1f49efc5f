# The floor: the same snapshot or copy velo makes, done by hand, plus a bare
# postgres started on it until it answers a query. What the filesystem and
# PostgreSQL need with no velo at all.
#   zfs:     CHECKPOINT; zfs snapshot; zfs clone; start (crash recovery).
#   btrfs:   CHECKPOINT; btrfs subvolume snapshot; start (crash recovery).
#   reflink: pg_backup_start (fast); cp -a --reflink=always of PGDATA;
#            pg_backup_stop; backup_label; pg_wal copied again; start.
#   copy:    the same as reflink with a plain cp -a.
# Needs MAIN_PORT, MAIN_VOLUME (the directory holding PGDATA "data"),
# MAIN_DATASET (zfs), SCRATCH (a directory on the same filesystem; for zfs a
# dataset FLOOR_ZFS_PARENT in the same pool).

floor_snapshot_zfs() {  # N -> clone data dir on stdout
  local n=$1 clone="$FLOOR_ZFS_PARENT/floor$1"
  q "$MAIN_PORT" postgres 'checkpoint' >/dev/null
  zfs snapshot "$MAIN_DATASET@benchfloor$n"
  zfs clone -o mountpoint="$SCRATCH/floor$n" "$MAIN_DATASET@benchfloor$n" "$clone"
  printf '%s\n' "$SCRATCH/floor$n/data"
}

floor_snapshot_btrfs() {
  local n=$1
  q "$MAIN_PORT" postgres 'checkpoint' >/dev/null
  btrfs -q subvolume snapshot "$MAIN_VOLUME" "$SCRATCH/floor$n" >/dev/null
  printf '%s\n' "$SCRATCH/floor$n/data"
}

# floor_copy_backup N CP_FLAGS...: per-file copy under the backup API, with
# pg_backup_start and pg_backup_stop in one psql session (a coprocess).
floor_copy_backup() {
  local n=$1 dst="$SCRATCH/floor$1" line label=""
  shift
  mkdir -p "$dst"
  coproc FLOORPSQL { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -p "$MAIN_PORT" -d postgres 2>&1; }
  printf '%s\n' "select pg_backup_start('velo-bench-floor', true);" >&"${FLOORPSQL[1]}"
  read -r -t 600 line <&"${FLOORPSQL[0]}" || return 1
  cp -a "$@" "$MAIN_VOLUME/data" "$dst/data"
  printf '%s\n' "select labelfile from pg_backup_stop(false);" "select '__END__';" >&"${FLOORPSQL[1]}"
  while IFS= read -r -t 600 line <&"${FLOORPSQL[0]}"; do
    [ "$line" = __END__ ] && break
    label+="$line"$'\n'
  done
  local input=${FLOORPSQL[1]}
  exec {input}>&-  # end of input: psql exits
  wait "$FLOORPSQL_PID" 2>/dev/null || true
  case $label in START\ WAL\ LOCATION:*) ;; *) printf 'bad backup label: %s\n' "$label" >&2; return 1 ;; esac
  printf '%s' "$label" >"$dst/data/backup_label"
  chown postgres: "$dst/data/backup_label"
  rm -rf "$dst/data/pg_wal"
  cp -a "$@" "$MAIN_VOLUME/data/pg_wal" "$dst/data/pg_wal"
  printf '%s\n' "$dst/data"
}

floor_snapshot_reflink() { floor_copy_backup "$1" --reflink=always; }
floor_snapshot_copy() { floor_copy_backup "$1"; }

# floor_run DRIVER SCALE N [METHOD]: one measured floor run, recorded as
# METHOD (default floor), then its cleanup.
floor_run() {
  local driver=$1 scale=$2 n=$3 method=${4:-floor} port t0 t1 dir
  port=$(free_port)
  stamp t0
  dir=$("floor_snapshot_$driver" "$n") || { floor_cleanup "$driver" "$n"; return 1; }
  start_bare "$dir" "$port"
  wait_ready "$port" && first_query "$port" || { floor_cleanup "$driver" "$n"; return 1; }
  stamp t1
  record_time "$driver" "$scale" "$method" "$(elapsed_ms "$t0" "$t1")"
  floor_cleanup "$driver" "$n"
}

# floor_cleanup DRIVER N: stops the server and removes clone and snapshot.
# Safe to repeat, and run by the teardown trap for whatever is left.
floor_cleanup() {
  local driver=$1 n=$2
  stop_bare "$SCRATCH/floor$n/data"
  case $driver in
    zfs)
      # zfs-fuse calls a dataset busy for a moment after its last user left.
      zfs_destroy_retry "$FLOOR_ZFS_PARENT/floor$n"
      zfs_destroy_retry "$MAIN_DATASET@benchfloor$n" ;;
    btrfs)
      [ -d "$SCRATCH/floor$n" ] && btrfs -q subvolume delete "$SCRATCH/floor$n" >/dev/null ;;
    *)
      rm -rf "$SCRATCH/floor$n" ;;
  esac
  return 0
}

# zfs_destroy_retry NAME: zfs destroy, retried for up to 20 s while busy;
# quiet and successful when NAME does not exist.
zfs_destroy_retry() {
  for _ in $(seq 1 100); do
    zfs list -H -o name -t all "$1" >/dev/null 2>&1 || return 0
    zfs destroy "$1" 2>/dev/null && return 0
    nap 0.2
  done
  warn "could not destroy $1"
}
