#!/usr/bin/env bash
# Reports benchmark (issue 6): the processing report, its XLSX export, the leader dashboard, the public statistics and
# the quarterly evaluation over a demo office seeded with a million dossiers and their history, each request timed
# on its own (a report is one person's request, not a load), next to two floors measured in the same run: the
# server's GET /healthz and one bare SQLite pass over every dossier row.
#
# Usage: scripts/bench/reports.sh [--build] [--dossiers N] [--runs R] [--keep] [--reuse DIR]
#   --build     run `cargo build --release` of the server and the seeder first (default: build only what is missing)
#   --dossiers  dossiers to seed (default 1000000)
#   --runs      measured requests per URL after one warm-up (default 5)
#   --keep      keep the temporary directory
#   --reuse DIR measure the data directory DIR (seeded by an earlier --keep run) instead of seeding a new one
# Environment: MOTCUA_DEMO_PASSWORD, BENCH_MAX_OTHER (0.10), BENCH_QUIET_TIMEOUT (1800), TMPDIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$ROOT/scripts/bench"
N=1000000
RUNS=5
BUILD=0
KEEP=0
REUSE=""
MAX_OTHER="${BENCH_MAX_OTHER:-0.10}"
QUIET_TIMEOUT="${BENCH_QUIET_TIMEOUT:-1800}"
export MOTCUA_DEMO_PASSWORD="${MOTCUA_DEMO_PASSWORD:-Mật khẩu thử nghiệm 2026}"
while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1 ;;
        --dossiers) N="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        --keep) KEEP=1 ;;
        --reuse) REUSE="$2"; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

BIN="$ROOT/target/release/motcua"
SEEDER="$ROOT/target/release/examples/bench_seed_dossiers"
if [ "$BUILD" = 1 ] || [ ! -x "$BIN" ] || [ ! -x "$SEEDER" ]; then
    log "building the server and the seeder (cargo build --release)"
    (cd "$ROOT" && cargo build --release --bins --example bench_seed_dossiers)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-reports.XXXXXX")"
SERVER_PID=""
cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$BIN" "$WORK/motcua"
cp "$SEEDER" "$WORK/bench_seed_dossiers"
DATA="$WORK/data"

start_server() {  # command...: starts it and waits for "listening on URL"; sets BASE and SERVER_PID
    "$@" >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    BASE=""
    for _ in $(seq 600); do
        BASE="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/server.out" | head -n1)"
        [ -n "$BASE" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$WORK/server.err" >&2; die "the server exited"; }
        sleep 0.1
    done
    die "the server did not print its address"
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }
quiet_machine() {
    python3 "$BENCH_DIR/cpu-split.py" --wait-quiet --pid "${1:-0}" --max-other "$MAX_OTHER" \
        --timeout "$QUIET_TIMEOUT" || log "WARNING: the machine did not go quiet; measuring anyway"
}

echo "## Reports benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: nproc $(nproc), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
echo "- binary: $("$WORK/motcua" --version) (built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'); git $(cd "$ROOT" && git rev-parse --short HEAD))"
echo

if [ -n "$REUSE" ]; then
    DATA="$REUSE"
    echo "- data: the seeded data directory $DATA ($(python3 -c 'import sqlite3, sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT count(*) FROM dossiers").fetchone()[0])' "$DATA/motcua.db") dossiers); database $(du -h "$DATA/motcua.db" | cut -f1)"
else
    log "creating the demo office in $DATA"
    start_server "$WORK/motcua" demo --data "$DATA" --listen 127.0.0.1:0 --http
    stop_server
    quiet_machine
    log "seeding $N dossiers"
    t0="$(date +%s.%N)"
    "$WORK/bench_seed_dossiers" --data "$DATA" --count "$N" >"$WORK/seed.log" 2>&1 \
        || { tail -n 20 "$WORK/seed.log" >&2; die "seeding failed"; }
    t1="$(date +%s.%N)"
    echo "- data: $(grep '^inserted' "$WORK/seed.log" | head -n1) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s; database $(du -h "$DATA/motcua.db" | cut -f1)"
fi
echo

quiet_machine
start_server "$WORK/motcua" serve --data "$DATA" --listen 127.0.0.1:0 --http
log "server $SERVER_PID on $BASE"
quiet_machine "$SERVER_PID"
python3 "$BENCH_DIR/reports-requests.py" "$BASE" "$DATA/motcua.db" --user lanhdao \
    --password "$MOTCUA_DEMO_PASSWORD" --runs "$RUNS"
