#!/usr/bin/env bash
# Procedure-search benchmark: latency of GET /api/v1/procedures?q=... over a generated catalogue, under concurrent
# load, next to two baselines measured in the same run against the same server:
#   /healthz                         the floor: HTTP stack, routing, middleware and one trivial SQLite read
#   /api/v1/procedures?limit=20      the catalogue listed from SQLite (no text query, no search index)
#
# Usage: scripts/bench/search.sh [--build] [--procedures N] [--duration SECONDS] [--concurrency "8 32"] [--keep]
#   --build        run `cargo build --release` first (default: use target/release/motcua, building only if missing)
#   --procedures   catalogue size (default 10000)
#   --duration     seconds measured per endpoint and concurrency (default 20; each run is preceded by a 5 s warm-up)
#   --concurrency  connection counts to measure (default "8 32")
#   --keep         keep the temporary directory (pack, data directory, server log, raw wrk output)
# Environment: MOTCUA_BIN (binary to measure), BENCH_THREADS (wrk threads, default 2), BENCH_WARMUP (seconds, 5),
#   BENCH_MAX_OTHER (cores other processes may use while measuring, 0.10), BENCH_QUIET_TIMEOUT (seconds to wait for
#   a quiet machine, 1800), BENCH_RETRIES (attempts of a load run that other work disturbed, 3).
#
# Everything runs on this machine: wrk and the server share its cores, so the figures include wrk's own CPU use.
# Figures and the exact command go in docs/PERFORMANCE.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$ROOT/scripts/bench"
N=10000
DURATION=20
CONCURRENCY="8 32"
BUILD=0
KEEP=0
THREADS="${BENCH_THREADS:-2}"
WARMUP="${BENCH_WARMUP:-5}"
PROFILE_REPEAT=15
MAX_OTHER="${BENCH_MAX_OTHER:-0.10}"        # cores other processes may use while we measure
QUIET_TIMEOUT="${BENCH_QUIET_TIMEOUT:-1800}" # seconds to wait for them to stop
RETRIES="${BENCH_RETRIES:-3}"                # attempts of a load run disturbed by other work

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1 ;;
        --procedures) N="$2"; shift ;;
        --duration) DURATION="$2"; shift ;;
        --concurrency) CONCURRENCY="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- the binary ---------------------------------------------------------------------------------------------------
BIN="${MOTCUA_BIN:-$ROOT/target/release/motcua}"
if [ "$BUILD" = 1 ] || [ ! -x "$BIN" ]; then
    [ -z "${MOTCUA_BIN:-}" ] || die "MOTCUA_BIN=$MOTCUA_BIN is not executable"
    log "building the release binary (cargo build --release)"
    (cd "$ROOT" && cargo build --release)
fi
[ -x "$BIN" ] || die "no binary at $BIN"

# --- tools --------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    log "wrk is missing; installing it with apt-get"
    if [ "$(id -u)" = 0 ]; then
        apt-get update && apt-get install -y wrk
    else
        sudo apt-get update && sudo apt-get install -y wrk
    fi
fi
for tool in wrk curl python3 awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done

# --- temporary directory, server, cleanup ---------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")"
SERVER_PID=""
cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA="$WORK/data"
PACK="$WORK/pack.json"
# A private copy, so a concurrent `cargo build` cannot swap the binary between init, import and serve.
cp "$BIN" "$WORK/motcua"
BIN_SOURCE="$BIN"
BIN="$WORK/motcua"

# --- the machine and the build ---------------------------------------------------------------------------------------
CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
GIT_REV="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
GIT_DIRTY="$(cd "$ROOT" && { git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ", uncommitted changes in the tree" || true; })"
echo "## Procedure search benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: nproc $(nproc), CPU \"${CPU_MODEL:-unknown}\", $MEM RAM, $(uname -sr)"
echo "- binary: $("$BIN" --version) ($BIN_SOURCE, built $(date -u -r "$BIN_SOURCE" '+%Y-%m-%d %H:%M UTC'); working tree now: git $GIT_REV$GIT_DIRTY)"
echo "- load generator: $(wrk --version 2>&1 | head -n1 | awk '{ print $1, $2 }'), $THREADS threads, on the same machine: wrk and the server share the $(nproc) cores"
echo "- runs: ${DURATION} s measured per endpoint and concurrency, each after a ${WARMUP} s warm-up"
echo

# --- data -------------------------------------------------------------------------------------------------------------
log "generating $N procedures"
python3 "$BENCH_DIR/gen-procedures.py" "$N" "$PACK"
"$BIN" init --data "$DATA" >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; die "init failed"; }
# Import and index build are timed too, so they wait for a quiet machine like the load runs (see below).
quiet_machine() {  # [pid]
    python3 "$BENCH_DIR/cpu-split.py" --wait-quiet --pid "${1:-0}" --max-other "$MAX_OTHER" \
        --timeout "$QUIET_TIMEOUT" || log "WARNING: the machine did not go quiet within $QUIET_TIMEOUT s; measuring anyway"
}
quiet_machine
log "importing the pack ($(du -h "$PACK" | cut -f1))"
t0="$(now)"
python3 "$BENCH_DIR/cpu-split.py" --pid 0 -- "$BIN" import procedures "$PACK" --data "$DATA" >"$WORK/import.log" 2>&1 \
    || { tail -n 20 "$WORK/import.log" >&2; die "import failed"; }
t1="$(now)"
IMPORT_S="$(elapsed "$t0" "$t1")"
IMPORT_CPU="$(sed -n 's/^BENCH_CPU server=[0-9.]* client=\([0-9.]*\) other=\([0-9.]*\).*/\1 cores, other work on the machine \2 cores/p' "$WORK/import.log")"
grep -q "$N procedures created" "$WORK/import.log" || { tail -n 5 "$WORK/import.log" >&2; die "the import did not create $N procedures"; }
log "import: ${IMPORT_S} s (import process $IMPORT_CPU; $(grep '^imported' "$WORK/import.log"))"

# --- server ------------------------------------------------------------------------------------------------------------
quiet_machine
t0="$(now)"
"$BIN" serve --data "$DATA" --listen 127.0.0.1:0 --http >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
BASE=""
for _ in $(seq 300); do
    BASE="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/server.out" | head -n1)"
    [ -n "$BASE" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; die "the server exited"; }
    sleep 0.1
done
[ -n "$BASE" ] || die "the server did not print its address"
log "server $SERVER_PID on $BASE"

# Index readiness. At start the server rebuilds the index in one commit (all procedures become searchable at
# once), then applies the import's outbox rows (one per procedure) in batches of 200, each its own commit, and
# tantivy merges the resulting segments in the background. The benchmark starts only when (1) a query matching
# every generated procedure ("bench ", the code prefix; trailing space so it is not a prefix query) counts all N,
# (2) the outbox is empty, and (3) the server has been idle (< 5 % of a core) for 3 s in a row, i.e. merges are done.
total_of() {  # total of a search, or -1
    curl -fsS --max-time 10 "$BASE/api/v1/procedures?limit=1&q=$1" 2>/dev/null \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo -1
}
outbox_rows() {
    python3 - "$DATA/motcua.db" <<'PY' 2>/dev/null || echo -1
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
print(c.execute("SELECT count(*) FROM outbox").fetchone()[0])
PY
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
TICKS_PER_S="$(getconf CLK_TCK)"
SEARCHABLE_S=""
DRAINED_S=""
deadline=$(( $(date +%s) + 900 ))
while [ -z "$SEARCHABLE_S" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the index did not reach $N procedures in 15 minutes"
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$WORK/server.err" >&2; die "the server exited"; }
    [ "$(total_of 'bench%20')" = "$N" ] && SEARCHABLE_S="$(elapsed "$t0" "$(now)")" || sleep 0.2
done
log "all $N procedures searchable after ${SEARCHABLE_S} s"
while [ -z "$DRAINED_S" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the outbox was not drained in 15 minutes"
    [ "$(outbox_rows)" = 0 ] && DRAINED_S="$(elapsed "$t0" "$(now)")" || sleep 0.2
done
log "outbox drained after ${DRAINED_S} s"
quiet=0
while [ "$quiet" -lt 3 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the server did not go idle in 15 minutes"
    a="$(cpu_ticks)"; sleep 1; b="$(cpu_ticks)"
    if [ $(( (b - a) * 100 )) -lt $(( 5 * TICKS_PER_S )) ]; then quiet=$((quiet + 1)); else quiet=0; fi
done
QUIET_S="$(elapsed "$t0" "$(now)")"
QUIET_S="$(awk -v q="$QUIET_S" 'BEGIN { printf "%.1f", q - 3 }')"
REBUILD_MS="$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.err" \
    | sed -n 's/.*search index rebuilt.*elapsed_ms=\([0-9]*\).*/\1/p' | head -n1)"
[ "$(total_of 'bench%20')" = "$N" ] || die "after indexing, 'bench' no longer counts $N procedures"
SEGMENTS="$(python3 -c 'import glob, json, sys; print(len(json.load(open(glob.glob(sys.argv[1])[0]))["segments"]))' \
    "$DATA/search/procedures-v*/meta.json" 2>/dev/null || echo '?')"
INDEX_SIZE="$(du -sh "$DATA/search" | cut -f1)"
DB_SIZE="$(du -sh "$DATA/motcua.db" | cut -f1)"

# --- the query mix ------------------------------------------------------------------------------------------------------
# scripts/bench/queries.txt: kind|q|extra query parameters. Every query must find something: each is checked (and
# timed alone) before load is applied. Other people's compilers on a 2-core machine skew everything, so each step
# waits for the machine to be quiet first, and a load run disturbed by other work is repeated.
QUERIES="$BENCH_DIR/queries.txt"
echo "/healthz" >"$WORK/healthz.paths"
echo "/api/v1/procedures?limit=20" >"$WORK/list.paths"
wait_quiet() { quiet_machine "$SERVER_PID"; }
wait_quiet
log "checking and timing each query alone ($PROFILE_REPEAT requests each)"
python3 "$BENCH_DIR/profile-queries.py" "$BASE" "$QUERIES" "$WORK/search.paths" "$PROFILE_REPEAT" \
    >"$WORK/profile.md" 2>"$WORK/profile.err" || { cat "$WORK/profile.md" "$WORK/profile.err" >&2; die "query check failed"; }
MIX_SIZE="$(grep -c . "$WORK/search.paths")"

# --- load --------------------------------------------------------------------------------------------------------------
RESULTS="$WORK/results.md"
: >"$RESULTS"
BAD=0
run_wrk() {  # name, label, paths file, connections
    local name="$1" label="$2" paths="$3" c="$4" threads="$THREADS" out line cpu attempt other
    [ "$threads" -le "$c" ] || threads="$c"
    out="$WORK/wrk-$name-c$c.txt"
    for attempt in $(seq "$RETRIES"); do
        wait_quiet
        BENCH_PATHS="$paths" wrk -t"$threads" -c"$c" -d"${WARMUP}s" --timeout 10s -s "$BENCH_DIR/rotate.lua" "$BASE/" \
            >"$WORK/wrk-warmup-$name-c$c.txt" 2>&1 || die "wrk failed (warm-up $label c=$c)"
        BENCH_PATHS="$paths" python3 "$BENCH_DIR/cpu-split.py" --pid "$SERVER_PID" -- \
            wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH_DIR/rotate.lua" "$BASE/" \
            >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($label c=$c)"; }
        cpu="$(grep '^BENCH_CPU' "$out")" || die "no CPU figures ($label c=$c)"
        other="$(echo "$cpu" | sed -n 's/.*other=\([0-9.]*\).*/\1/p')"
        if awk -v o="$other" -v m="$MAX_OTHER" 'BEGIN { exit !(o <= 2 * m) }'; then
            break
        fi
        log "$label c=$c was disturbed by other work on the machine ($cpu); attempt $attempt of $RETRIES"
    done
    line="$(grep '^BENCH_RESULT' "$out")" || { cat "$out" >&2; die "no result from wrk ($label c=$c)"; }
    awk -v label="$label" -v c="$c" -v line="$line $cpu" 'BEGIN {
        n = split(line, kv, " ")
        for (i = 1; i <= n; i++) { if (split(kv[i], p, "=") == 2) v[p[1]] = p[2] }
        errors = v["errors_status"] + v["errors_connect"] + v["errors_read"] + v["errors_write"] + v["errors_timeout"]
        rps = v["requests"] / (v["duration_us"] / 1e6)
        printf "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d | %.2f / %.2f / %.2f | %.3f |\n", label, c,
            rps, v["p50"] / 1000, v["p90"] / 1000, v["p99"] / 1000, v["max"] / 1000, v["requests"], errors,
            v["server"], v["client"], v["other"], 1000 * v["server"] / rps
    }' >>"$RESULTS"
    if ! echo "$line" | grep -q 'errors_connect=0 errors_read=0 errors_write=0 errors_status=0 errors_timeout=0'; then
        log "WARNING: errors or non-2xx responses in $label c=$c: $line"
        BAD=1
    fi
    log "$label c=$c: $(tail -n1 "$RESULTS")"
}
for c in $CONCURRENCY; do
    run_wrk healthz "/healthz" "$WORK/healthz.paths" "$c"
done
for c in $CONCURRENCY; do
    run_wrk list "/api/v1/procedures?limit=20 (list, SQLite)" "$WORK/list.paths" "$c"
done
for c in $CONCURRENCY; do
    run_wrk search "/api/v1/procedures?q=... (search, mix of $MIX_SIZE)" "$WORK/search.paths" "$c"
done
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the run"
# The server's own count of non-2xx answers over the whole run (load, checks and polls).
NON_2XX="$(curl -fsS "$BASE/metrics" | awk '/^motcua_http_requests_total/ && !/status="2[0-9][0-9]"/ { s += $NF } END { print s + 0 }')"

# --- report ------------------------------------------------------------------------------------------------------------
echo "### Data and index"
echo
echo "- catalogue: $N generated procedures (scripts/bench/gen-procedures.py), pack $(du -h "$PACK" | cut -f1)"
echo "- import (\`motcua import procedures\`, one transaction): ${IMPORT_S} s (import process $IMPORT_CPU)"
echo "- index build at server start: all $N procedures searchable after ${SEARCHABLE_S} s" \
     "(rebuild commit${REBUILD_MS:+: ${REBUILD_MS} ms by the server log}); import outbox applied after ${DRAINED_S} s;" \
     "server idle (merges done) after ${QUIET_S} s"
echo "- index on disk: $INDEX_SIZE in $SEGMENTS segment(s); database $DB_SIZE"
echo
echo "### Each query alone (one connection, median of $PROFILE_REPEAT sequential requests, idle server)"
echo
cat "$WORK/profile.md"
echo
echo "### Under load (wrk, $THREADS threads, ${DURATION} s per row, latencies in ms)"
echo
echo "| endpoint | concurrency | req/s | p50 | p90 | p99 | max | requests | errors + non-2xx | CPU cores: server / wrk / other | server CPU ms per request |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
cat "$RESULTS"
echo
echo "Non-2xx responses counted by the server over the whole run (/metrics): $NON_2XX"
if [ "$BAD" = 1 ] || [ "$NON_2XX" != 0 ]; then
    log "WARNING: some requests failed; see the table"
    exit 1
fi
