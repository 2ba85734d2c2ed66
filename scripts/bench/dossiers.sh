#!/usr/bin/env bash
# Dossier benchmark (issue 4): a demo office seeded with a million dossiers and their history; latency of the officer
# queues and the dossier page and the throughput of receipts under concurrent load, next to the raw capacity of the
# same machine measured in the same run:
#   /healthz                                  the floor of the motcua server (HTTP stack, middleware, one read)
#   examples/bench_baseline.rs  POST /rows    a bare axum handler doing one durable SQLite insert (WAL,
#                                             synchronous=FULL, one writer behind a mutex): the receipts' baseline
#
# Usage: scripts/bench/dossiers.sh [--build] [--dossiers N] [--duration SECONDS] [--concurrency "2 8 32"] [--keep]
#                                  [--no-html]
#   --build        run `cargo build --release` of the server and the two examples first (default: use the built
#                  ones, building only what is missing)
#   --dossiers     dossiers to seed (default 1000000)
#   --duration     seconds measured per endpoint and concurrency (default 20; each run after a 5 s warm-up)
#   --concurrency  connection counts to measure (default "2 8 32")
#   --keep         keep the temporary directory (data directory, logs, raw wrk output, request lists)
#   --no-html      measure only the JSON API, not the back-office pages
# Environment: MOTCUA_DEMO_PASSWORD (demo password), BENCH_THREADS (wrk threads, default 2), BENCH_WARMUP (seconds,
#   5), BENCH_DESKS (intake desks the receipts are spread over, 16), BENCH_MAX_OTHER (cores other processes may use
#   while measuring, 0.10), BENCH_QUIET_TIMEOUT (seconds to wait for a quiet machine, 1800), BENCH_RETRIES
#   (attempts of a load run that other work disturbed, 3), TMPDIR (where the data directory goes: on the disk to test).
#
# Everything runs on this machine: wrk and the server share its cores. Figures go in docs/PERFORMANCE.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$ROOT/scripts/bench"
N=1000000
DURATION=20
CONCURRENCY="2 8 32"
BUILD=0
KEEP=0
HTML=1
THREADS="${BENCH_THREADS:-2}"
WARMUP="${BENCH_WARMUP:-5}"
DESKS="${BENCH_DESKS:-16}"
MAX_OTHER="${BENCH_MAX_OTHER:-0.10}"
QUIET_TIMEOUT="${BENCH_QUIET_TIMEOUT:-1800}"
RETRIES="${BENCH_RETRIES:-3}"
export MOTCUA_DEMO_PASSWORD="${MOTCUA_DEMO_PASSWORD:-Mật khẩu thử nghiệm 2026}"

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1 ;;
        --dossiers) N="$2"; shift ;;
        --duration) DURATION="$2"; shift ;;
        --concurrency) CONCURRENCY="$2"; shift ;;
        --keep) KEEP=1 ;;
        --no-html) HTML=0 ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- binaries -------------------------------------------------------------------------------------------------------
BIN="$ROOT/target/release/motcua"
SEEDER="$ROOT/target/release/examples/bench_seed_dossiers"
BASELINE="$ROOT/target/release/examples/bench_baseline"
if [ "$BUILD" = 1 ] || [ ! -x "$BIN" ] || [ ! -x "$SEEDER" ] || [ ! -x "$BASELINE" ]; then
    log "building the server and the benchmark examples (cargo build --release)"
    (cd "$ROOT" && cargo build --release --bins --example bench_seed_dossiers --example bench_baseline)
fi
for b in "$BIN" "$SEEDER" "$BASELINE"; do [ -x "$b" ] || die "no binary at $b"; done
for tool in wrk curl python3 awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (wrk: apt-get install wrk)"
done

# --- temporary directory, processes, cleanup ------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-dossiers.XXXXXX")"
PIDS=()
stop_pid() {  # pid: SIGTERM, then wait up to 30 s (the server drains and runs PRAGMA optimize), then SIGKILL
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Private copies, so a concurrent `cargo build` cannot swap a binary mid-run.
cp "$BIN" "$WORK/motcua"
cp "$SEEDER" "$WORK/bench_seed_dossiers"
cp "$BASELINE" "$WORK/bench_baseline"
DATA="$WORK/data"

start_server() {  # name, command...: starts it, waits for "listening on URL", sets BASE and SERVER_PID
    local name="$1"; shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    BASE=""
    for _ in $(seq 600); do
        BASE="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/$name.out" | head -n1)"
        [ -n "$BASE" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$WORK/$name.err" >&2; die "$name exited"; }
        sleep 0.1
    done
    die "$name did not print its address"
}

quiet_machine() {  # [pid]
    python3 "$BENCH_DIR/cpu-split.py" --wait-quiet --pid "${1:-0}" --max-other "$MAX_OTHER" \
        --timeout "$QUIET_TIMEOUT" || log "WARNING: the machine did not go quiet within $QUIET_TIMEOUT s; measuring anyway"
}

# --- the machine and the build --------------------------------------------------------------------------------------
CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
DISK="$(df -hT "$WORK" | awk 'NR == 2 { print $1 " (" $2 ")" }')"
GIT_REV="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
GIT_DIRTY="$(cd "$ROOT" && { git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ", uncommitted changes in the tree" || true; })"
echo "## Dossier benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: nproc $(nproc), CPU \"${CPU_MODEL:-unknown}\", $MEM RAM, $(uname -sr); data directory on $DISK"
echo "- binary: $("$WORK/motcua" --version) (built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'); working tree now: git $GIT_REV$GIT_DIRTY)"
echo "- load generator: $(wrk --version 2>&1 | head -n1 | awk '{ print $1, $2 }'), $THREADS threads, on the same machine: wrk and the server share the $(nproc) cores"
echo "- runs: ${DURATION} s measured per endpoint and concurrency, each after a ${WARMUP} s warm-up"
echo

# --- data: the demo office, then the dossiers ------------------------------------------------------------------------
log "creating the demo office in $DATA"
start_server demo "$WORK/motcua" demo --data "$DATA" --listen 127.0.0.1:0 --http
stop_pid "$SERVER_PID"
quiet_machine
log "seeding $N dossiers (and $DESKS intake desks)"
t0="$(now)"
python3 "$BENCH_DIR/cpu-split.py" --pid 0 -- "$WORK/bench_seed_dossiers" --data "$DATA" --count "$N" \
    --intake-desks "$DESKS" >"$WORK/seed.log" 2>&1 || { tail -n 20 "$WORK/seed.log" >&2; die "seeding failed"; }
t1="$(now)"
SEED_S="$(elapsed "$t0" "$t1")"
SEED_CPU="$(sed -n 's/^BENCH_CPU server=[0-9.]* client=\([0-9.]*\) other=\([0-9.]*\).*/\1 cores, other work \2 cores/p' "$WORK/seed.log")"
grep -q "^inserted $N dossiers" "$WORK/seed.log" || { tail -n 5 "$WORK/seed.log" >&2; die "the seeder did not insert $N dossiers"; }
log "seeded in ${SEED_S} s: $(grep '^inserted' "$WORK/seed.log")"
DB_SIZE="$(du -h "$DATA/motcua.db" | cut -f1)"
DB_BYTES="$(stat -c %s "$DATA/motcua.db")"

# --- server ----------------------------------------------------------------------------------------------------------
quiet_machine
start_server serve "$WORK/motcua" serve --data "$DATA" --listen 127.0.0.1:0 --http
log "server $SERVER_PID on $BASE"
MOTCUA_PID="$SERVER_PID"
python3 "$BENCH_DIR/dossier-requests.py" --make-codes "$DATA/motcua.db" "$WORK/codes.txt" 2000 2>>"$WORK/checks.log"
python3 "$BENCH_DIR/dossier-requests.py" --make-bodies "$DATA/motcua.db" "$WORK/bodies.txt" 500 2>>"$WORK/checks.log"
DOSSIERS_BEFORE="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT count(*) FROM dossiers").fetchone()[0])' "$DATA/motcua.db")"
if [ "$HTML" = 1 ]; then
    html_status="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/staff/dossiers")"
    if [ "$html_status" = 404 ]; then
        log "no back-office dossier pages in this build (/staff/dossiers answers 404): measuring the API only"
        HTML=0
    fi
fi
printf 'GET\t/healthz\t\t\n' >"$WORK/healthz.list"

# --- load ------------------------------------------------------------------------------------------------------------
RESULTS="$WORK/results.md"
: >"$RESULTS"
BAD=0
# A load run: fresh sessions and the request list (dossier-requests.py, which also checks a few requests), a
# warm-up, then the measured run with the CPU split. Other people's compilers skew a 2-core machine badly, so each
# attempt waits for a quiet machine and a disturbed run is repeated.
run_wrk() {  # name, label, kind, connections, server pid
    local name="$1" label="$2" kind="$3" c="$4" pid="$5" threads="$THREADS" out line cpu attempt other expect req
    [ "$threads" -le "$c" ] || threads="$c"
    out="$WORK/wrk-$name-c$c.txt"
    req="$WORK/$name.req"
    for attempt in $(seq "$RETRIES"); do
        wait_for_quiet "$pid"
        if [ "$kind" = healthz ]; then
            cp "$WORK/healthz.list" "$req"; expect=200
        else
            expect="$(python3 "$BENCH_DIR/dossier-requests.py" "$BASE" "$kind" "$req" --codes "$WORK/codes.txt" \
                --bodies "$WORK/bodies.txt" --desks "$DESKS" --check 3 2>>"$WORK/checks.log")" \
                || { tail -n 3 "$WORK/checks.log" >&2; return 1; }
        fi
        BENCH_REQUESTS="$req" BENCH_EXPECT="$expect" wrk -t"$threads" -c"$c" -d"${WARMUP}s" --timeout 10s \
            -s "$BENCH_DIR/requests.lua" "$BASE/" >"$WORK/wrk-warmup-$name-c$c.txt" 2>&1 \
            || die "wrk failed (warm-up $label c=$c)"
        BENCH_REQUESTS="$req" BENCH_EXPECT="$expect" python3 "$BENCH_DIR/cpu-split.py" --pid "$pid" -- \
            wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH_DIR/requests.lua" "$BASE/" \
            >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($label c=$c)"; }
        cpu="$(grep '^BENCH_CPU' "$out")" || die "no CPU figures ($label c=$c)"
        other="$(echo "$cpu" | sed -n 's/.*other=\([0-9.]*\).*/\1/p')"
        if awk -v o="$other" -v m="$MAX_OTHER" 'BEGIN { exit !(o <= 2 * m) }'; then
            break
        fi
        log "$label c=$c was disturbed by other work on the machine ($cpu); attempt $attempt of $RETRIES"
    done
    line="$(grep '^BENCH_RESULT' "$out")" || { cat "$out" >&2; die "no result from wrk ($label c=$c)"; }
    echo "$name $c $line $cpu" >>"$WORK/raw.txt"
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
        log "WARNING: errors or unexpected statuses in $label c=$c: $line"
        BAD=1
    fi
    log "$label c=$c: $(tail -n1 "$RESULTS")"
}
wait_for_quiet() { quiet_machine "$1"; }

for c in $CONCURRENCY; do run_wrk healthz "/healthz (motcua floor)" healthz "$c" "$MOTCUA_PID"; done
for q in mine unit received overdue; do
    case "$q" in
        mine) label="queue: specialist, assignee=me" ;;
        unit) label="queue: unit head, unit=H40.12.4" ;;
        received) label="queue: officer, status=2" ;;
        overdue) label="queue: officer, overdue=true" ;;
    esac
    for c in $CONCURRENCY; do
        run_wrk "api-queue-$q" "GET /api/v1/dossiers ($label)" "api-queue-$q" "$c" "$MOTCUA_PID"
    done
done
for c in $CONCURRENCY; do
    run_wrk api-dossier "GET /api/v1/dossiers/{code} (2,000 sampled codes, officers)" api-dossier "$c" "$MOTCUA_PID"
done
if [ "$HTML" = 1 ]; then
    # The back-office pages are new; one that cannot be measured (its check fails) is reported, not fatal.
    for q in mine unit received overdue dossier; do
        for c in $CONCURRENCY; do
            if [ "$q" = dossier ]; then
                label="page /staff/dossiers/{code} (2,000 sampled codes, officers)"; kind=html-dossier
            else
                label="page /staff/dossiers?queue=$q"; kind="html-queue-$q"
            fi
            run_wrk "$kind" "$label" "$kind" "$c" "$MOTCUA_PID" \
                || { log "WARNING: $label cannot be measured (see $WORK/checks.log)"; echo "| $label | $c | not measurable: its check failed |" >>"$RESULTS"; BAD=1; break; }
        done
    done
fi
for c in $CONCURRENCY; do
    run_wrk api-receipt "POST /api/v1/dossiers (receipt: counter intake + receive, $DESKS desks)" api-receipt "$c" "$MOTCUA_PID"
done
kill -0 "$MOTCUA_PID" 2>/dev/null || die "the server died during the run"
NON_2XX="$(curl -fsS "$BASE/metrics" | awk '/^motcua_http_requests_total/ && !/status="2[0-9][0-9]"/ && !/status="30[23]"/ { s += $NF } END { print s + 0 }')"
stop_pid "$MOTCUA_PID"
# Every receipt answered 201 must be in the database (synchronous=FULL; the count is after a clean stop).
read -r DOSSIERS_AFTER NOTIFICATIONS < <(python3 -c 'import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(c.execute("SELECT count(*) FROM dossiers").fetchone()[0], c.execute("SELECT count(*) FROM notifications").fetchone()[0])' "$DATA/motcua.db")
RECEIPTS_201="$(awk '$1 == "api-receipt" { for (i = 3; i <= NF; i++) if ($i ~ /^requests=/) { split($i, p, "="); s += p[2] } } END { print s + 0 }' "$WORK/raw.txt")"

# --- baseline: bare axum + one durable insert, same disk, same run ---------------------------------------------------
quiet_machine
start_server baseline "$WORK/bench_baseline" --db "$WORK/baseline.db" --listen 127.0.0.1:0
BASELINE_PID="$SERVER_PID"
log "baseline $BASELINE_PID on $BASE"
for c in $CONCURRENCY; do
    run_wrk baseline "POST /rows (baseline: bare axum, one durable SQLite insert)" baseline-receipt "$c" "$BASELINE_PID"
done
BASELINE_ROWS="$(curl -fsS "$BASE/rows/count")"
BASELINE_201="$(awk '$1 == "baseline" { for (i = 3; i <= NF; i++) if ($i ~ /^requests=/) { split($i, p, "="); s += p[2] } } END { print s + 0 }' "$WORK/raw.txt")"
stop_pid "$BASELINE_PID"

# --- report ----------------------------------------------------------------------------------------------------------
echo "### Data"
echo
echo "- seeded: $(grep '^inserted' "$WORK/seed.log")"
echo "- seeding: ${SEED_S} s wall clock, including ANALYZE (seeder: $SEED_CPU); $(grep -E '^(ANALYZE|foreign keys)' "$WORK/seed.log" | paste -sd ';' | sed 's/;/; /g')"
sed -n 's/^\(active .*\)/- \1/p; s/^\(by status: .*\)/- \1/p; s/^\(office .*\)/- \1/p; s/^\(intake desks: .*\)/- \1/p' "$WORK/seed.log"
echo "- database: $DB_SIZE ($DB_BYTES bytes) after seeding"
if [ "$HTML" = 1 ]; then echo "- back-office pages measured too (signed in through /staff/login)"; else echo "- back-office pages: not measured (absent from this build, or --no-html)"; fi
echo
echo "### Each request alone (15 requests one after the other, a new connection each, idle server, before the load run)"
echo
echo '```'
grep -v '^[0-9]' "$WORK/checks.log" | awk '!seen[$1]++'
echo '```'
echo
echo "### Under load (wrk, $THREADS threads, ${DURATION} s per row, latencies in ms)"
echo
echo "| endpoint | concurrency | req/s | p50 | p90 | p99 | max | requests | errors + unexpected status | CPU cores: server / wrk / other | server CPU ms per request |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
cat "$RESULTS"
echo
echo "### Receipts against the baseline"
echo
echo "| concurrency | receipts/s | receipt p99 ms | baseline inserts/s | baseline p99 ms | receipts ÷ baseline | target ≥ 0.5 |"
echo "|---|---|---|---|---|---|---|"
awk '
    { for (i = 3; i <= NF; i++) { split($i, p, "="); v[$1, $2, p[1]] = p[2] } c[$2] = 1 }
    END {
        for (k in c) {
            r = v["api-receipt", k, "requests"] / (v["api-receipt", k, "duration_us"] / 1e6)
            b = v["baseline", k, "requests"] / (v["baseline", k, "duration_us"] / 1e6)
            if (b > 0) printf "| %d | %.0f | %.2f | %.0f | %.2f | %.3f | %s |\n", k, r, v["api-receipt", k, "p99"] / 1000, \
                b, v["baseline", k, "p99"] / 1000, r / b, (r / b >= 0.5 ? "met" : "missed")
        }
    }' "$WORK/raw.txt" | sort -t'|' -k2 -n
echo
echo "### Latency targets (p99 under 50 ms)"
echo
awk '
    $1 ~ /queue|dossier/ {
        for (i = 3; i <= NF; i++) { split($i, p, "="); if (p[1] == "p99") p99 = p[2] / 1000 }
        printf "- %s at c=%d: p99 %.2f ms, %s\n", $1, $2, p99, (p99 < 50 ? "met" : "MISSED")
    }' "$WORK/raw.txt"
echo
echo "### Checks"
echo
echo "- receipts: dossiers $DOSSIERS_BEFORE before the load, $DOSSIERS_AFTER after; wrk counted $RECEIPTS_201 receipts answered (warm-ups and checks create more); notifications queued: $NOTIFICATIONS"
echo "- baseline: $BASELINE_ROWS rows stored; wrk counted $BASELINE_201 inserts answered in measured runs (warm-ups add more)"
echo "- non-2xx/3xx answers counted by the motcua server over the whole run (/metrics): $NON_2XX"
[ "$DOSSIERS_AFTER" -ge $((DOSSIERS_BEFORE + RECEIPTS_201)) ] || { log "WARNING: fewer dossiers stored than receipts answered"; BAD=1; }
[ "$BASELINE_ROWS" -ge "$BASELINE_201" ] || { log "WARNING: fewer baseline rows than inserts answered"; BAD=1; }
if [ "$BAD" = 1 ] || [ "$NON_2XX" != 0 ]; then
    log "WARNING: some requests failed; see the table"
    exit 1
fi
