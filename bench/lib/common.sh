# Shared helpers: logging, timing, result records, ports, packages.
# Sourced by bench/run; expects WORK (scratch directory) to be set.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { log "WARNING: $*"; }
die() { log "ERROR: $*"; exit 1; }

# stamp VAR: sets VAR to microseconds since the epoch, without a fork.
stamp() { printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"; }

# elapsed_ms START_US END_US -> milliseconds with three decimals.
elapsed_ms() {
  local d=$(($2 - $1))
  printf '%d.%03d\n' $((d / 1000)) $((d % 1000))
}

# Sleeps a fraction of a second without a fork: a read that times out on a
# FIFO nobody writes to. Used by the tight readiness loops.
nap_init() {
  mkfifo "$WORK/nap.fifo"
  exec {NAP_FD}<>"$WORK/nap.fifo"
}
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# median: the median of the numbers on stdin (the lower one of an even count).
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }

# record_time DRIVER SCALE METHOD MS: one measured run.
# Nothing is recorded while WARMUP is set.
record_time() {
  [ -z "${WARMUP:-}" ] || return 0
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$WORK/times.tsv"
}

# record_steps DRIVER SCALE METHOD FILE: the `velo --timings` lines in FILE
# (a span per line, nested ones indented) as rows of steps.tsv, each step
# named by its path ("branch-create/snapshot/checkpoint").
record_steps() {
  [ -z "${WARMUP:-}" ] || return 0
  "$PY" - "$@" >>"$WORK/steps.tsv" <<'PYEOF'
import re, sys
driver, scale, method, path = sys.argv[1:5]
stack = []
for line in open(path):
    m = re.match(r"velo: timing: ( *)(.+) ([0-9.]+) ms$", line.rstrip("\n"))
    if not m:
        continue
    depth, name, ms = len(m.group(1)) // 2, m.group(2), m.group(3)
    stack = stack[:depth] + [name]
    print("\t".join([driver, scale, method, "/".join(stack), ms]))
PYEOF
}

# record_space DRIVER WHAT BYTES
record_space() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WORK/space.tsv"; }

# record_note DRIVER TEXT: skipped drivers, failures, what a floor meant.
record_note() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/notes.tsv"; log "$1: $2"; }

# A TCP port on 127.0.0.1 that nothing listens on, outside velo's range.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 9000))
    if ! ss -Hltn "sport = :$port" | grep -q .; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free port found"
}

# apt-get install whatever of the named packages is missing.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# Runs a command as the postgres OS user (the server refuses to run as root).
# setpriv, not runuser: runuser opens a PAM session, which costs 100+ ms.
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

# Debian's python3, never a shim from PATH (a pyenv shim costs a second).
PY=/usr/bin/python3
