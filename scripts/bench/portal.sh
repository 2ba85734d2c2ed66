#!/usr/bin/env bash
# Portal benchmark: the citizen portal under 200 concurrent citizens, each connection a citizen signed in with
# their own session, next to the raw capacity of the same machine measured in the same run:
#   GET  /thu-tuc/{code}                      the procedure page (public; the citizen's cookie is sent, not read)
#   GET  /ho-so-nhap/{draft}?buoc=to-khai     the e-form page of the citizen's draft
#   POST /ho-so-nhap/{draft}/nop              the submission of a complete draft (answers, one paper, delivery)
# Baselines, same connections, same machine, same run:
#   /healthz                                  the motcua floor (HTTP stack, middleware, one trivial read)
#   examples/bench_baseline_pages.rs          a bare axum server answering the same bytes the two pages answered
#   examples/bench_baseline.rs  POST /rows    a bare axum handler doing one durable SQLite insert (the dossier
#                                             benchmark's baseline), with the submission's body and cookie
#
# Usage: scripts/bench/portal.sh [--build] [--connections 200] [--duration 20] [--rounds 10] [--keep]
#   --build        run `cargo build --release` of the server and the three examples first (default: use the built
#                  ones, building only what is missing)
#   --connections  concurrent connections, one citizen each (default 200)
#   --duration     seconds measured per GET page and baseline (default 20; each run after a warm-up)
#   --rounds       submission rounds (default 10); a citizen may hold at most 20 drafts, so each round submits 20
#                  per connection (the first 2 of each connection are its warm-up) and drafts are topped up
#                  between rounds through the services while the server runs
#   --keep         keep the temporary directory (data directory, logs, raw wrk output, samples, request lists)
# Environment: MOTCUA_DEMO_PASSWORD (password of the demo staff and the benchmark citizens), BENCH_WARMUP (seconds,
#   5), BENCH_PROCEDURE (DEMO-HT-07), BENCH_MAX_OTHER (cores other processes may use while measuring, 0.10),
#   BENCH_QUIET_TIMEOUT (seconds to wait for a quiet machine before each run, 60; then it measures anyway and
#   the table shows how busy the rest of the machine was), TMPDIR (where the data directory goes).
#
# Everything runs on this machine: wrk (one thread per connection) and the server share its cores.
# Figures go in docs/PERFORMANCE.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$ROOT/scripts/bench"
CONNECTIONS=200
DURATION=20
ROUNDS=10
BUILD=0
KEEP=0
DRAFTS=20
WARMUP_DRAFTS=2
REPEAT=15   # each request alone, one after the other, before the load
WARMUP="${BENCH_WARMUP:-5}"
PROCEDURE="${BENCH_PROCEDURE:-DEMO-HT-07}"
MAX_OTHER="${BENCH_MAX_OTHER:-0.10}"
QUIET_TIMEOUT="${BENCH_QUIET_TIMEOUT:-60}"
export MOTCUA_DEMO_PASSWORD="${MOTCUA_DEMO_PASSWORD:-Mật khẩu thử nghiệm 2026}"

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1 ;;
        --connections) CONNECTIONS="$2"; shift ;;
        --duration) DURATION="$2"; shift ;;
        --rounds) ROUNDS="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
PROBE=$((CONNECTIONS + 1))   # one more citizen, for the checks and the requests alone

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- binaries -------------------------------------------------------------------------------------------------------
BIN="$ROOT/target/release/motcua"
SEEDER="$ROOT/target/release/examples/bench_seed_portal"
PAGES="$ROOT/target/release/examples/bench_baseline_pages"
BASELINE="$ROOT/target/release/examples/bench_baseline"
if [ "$BUILD" = 1 ] || [ ! -x "$BIN" ] || [ ! -x "$SEEDER" ] || [ ! -x "$PAGES" ] || [ ! -x "$BASELINE" ]; then
    log "building the server and the benchmark examples (cargo build --release)"
    (cd "$ROOT" && cargo build --release --bins --example bench_seed_portal --example bench_baseline_pages \
        --example bench_baseline)
fi
for b in "$BIN" "$SEEDER" "$PAGES" "$BASELINE"; do [ -x "$b" ] || die "no binary at $b"; done
for tool in wrk curl python3 awk pgrep; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (wrk: apt-get install wrk)"
done
[ "$(ulimit -n)" -ge $((4 * CONNECTIONS)) ] || ulimit -n $((4 * CONNECTIONS + 1024)) 2>/dev/null || true

# --- temporary directory, processes, cleanup ------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-portal.XXXXXX")"
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
cp "$SEEDER" "$WORK/bench_seed_portal"
cp "$PAGES" "$WORK/bench_baseline_pages"
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
STARTED="$(now)"
echo "## Portal benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: nproc $(nproc), CPU \"${CPU_MODEL:-unknown}\", $MEM RAM, $(uname -sr); data directory on $DISK"
echo "- binary: $("$WORK/motcua" --version) (built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'); working tree now: git $GIT_REV$GIT_DIRTY)"
echo "- load generator: $(wrk --version 2>&1 | head -n1 | awk '{ print $1, $2 }'), $CONNECTIONS threads of one connection each (one citizen per connection), on the same machine: wrk and the server share the $(nproc) cores"
echo "- runs: ${DURATION} s measured per GET page and baseline after a ${WARMUP} s warm-up; $ROUNDS submission rounds of $DRAFTS drafts per connection (the first $WARMUP_DRAFTS of each connection its warm-up)"
echo

# --- data: the demo office, the citizens and their drafts ------------------------------------------------------------
log "creating the demo office in $DATA"
start_server demo "$WORK/motcua" demo --data "$DATA" --listen 127.0.0.1:0 --http
stop_pid "$SERVER_PID"
log "seeding $PROBE citizens with $DRAFTS drafts of $PROCEDURE each"
t0="$(now)"
"$WORK/bench_seed_portal" --data "$DATA" --citizens "$PROBE" --drafts "$DRAFTS" --procedure "$PROCEDURE" \
    --out "$WORK/citizens.tsv" >"$WORK/seed.log" 2>&1 || { tail -n 20 "$WORK/seed.log" >&2; die "seeding failed"; }
SEED_S="$(elapsed "$t0" "$(now)")"
log "seeded in ${SEED_S} s: $(tail -n1 "$WORK/seed.log")"

# --- server, sessions, checks ---------------------------------------------------------------------------------------
quiet_machine
start_server serve "$WORK/motcua" serve --data "$DATA" --listen 127.0.0.1:0 --http
MOTCUA_PID="$SERVER_PID"
MOTCUA_BASE="$BASE"
log "server $MOTCUA_PID on $BASE; signing in $PROBE citizens through /dang-nhap"
python3 "$BENCH_DIR/portal-requests.py" sign-in "$BASE" "$WORK/citizens.tsv" "$WORK/sessions.tsv" 2>>"$WORK/checks.log" \
    || { tail -n 3 "$WORK/checks.log" >&2; die "sign-in failed"; }
log "$(tail -n1 "$WORK/checks.log")"
python3 "$BENCH_DIR/portal-requests.py" check "$BASE" "$WORK/citizens.tsv" "$WORK/sessions.tsv" "$WORK" \
    --probe "$PROBE" --procedure "$PROCEDURE" --repeat "$REPEAT" >"$WORK/alone.txt" 2>>"$WORK/checks.log" \
    || { tail -n 3 "$WORK/checks.log" >&2; die "the checks failed"; }
cut -f2 "$WORK/alone.txt" | while read -r line; do log "alone: $line"; done
PROCEDURE_BYTES="$(stat -c %s "$WORK/procedure.html")"
FORM_BYTES="$(stat -c %s "$WORK/form.html")"
make_list() {  # kind, out, [extra args]
    local kind="$1" out="$2"; shift 2
    python3 "$BENCH_DIR/portal-requests.py" list "$kind" "$WORK/citizens.tsv" "$WORK/sessions.tsv" "$out" \
        --connections "$CONNECTIONS" --procedure "$PROCEDURE" "$@" >/dev/null
}
make_list healthz "$WORK/healthz.req"
make_list procedure "$WORK/procedure.req"
make_list form "$WORK/form.req"

# --- load ------------------------------------------------------------------------------------------------------------
RESULTS="$WORK/results.md"
: >"$RESULTS"
BAD=0
c="$CONNECTIONS"
table_row() {  # label, "BENCH_RESULT ... BENCH_CPU ...", seconds of the CPU measurement
    awk -v label="$1" -v c="$c" -v line="$2" -v secs="$3" 'BEGIN {
        n = split(line, kv, " ")
        for (i = 1; i <= n; i++) { if (split(kv[i], p, "=") == 2) v[p[1]] = p[2] }
        errors = v["errors_status"] + v["errors_connect"] + v["errors_read"] + v["errors_write"] + v["errors_timeout"]
        rps = v["requests"] / (v["duration_us"] / 1e6)
        answered = (v["answered"] != "" ? v["answered"] : v["requests"])
        per = (secs > 0 && answered > 0) ? 1000 * v["server"] * secs / answered : 1000 * v["server"] / rps
        printf "| %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %.2f / %.2f / %.2f | %.3f |\n", label, c,
            rps, v["p50"] / 1000, v["p90"] / 1000, v["p95"] / 1000, v["p99"] / 1000, v["max"] / 1000, v["requests"],
            errors, v["server"], v["client"], v["other"], per
    }' >>"$RESULTS"
    if ! echo "$2" | grep -q 'errors_connect=0 errors_read=0 errors_write=0 errors_status=0 errors_timeout=0'; then
        log "WARNING: errors or unexpected statuses in $1: $2"
        BAD=1
    fi
    log "$1: $(tail -n1 "$RESULTS")"
}

# A duration run: warm-up, then the measured run with the CPU split (cpu-split.py).
run_loop() {  # name, label, request file, expected status, server pid, base url
    local name="$1" label="$2" req="$3" expect="$4" pid="$5" base="$6" out line cpu
    out="$WORK/wrk-$name.txt"
    quiet_machine "$pid"
    BENCH_REQUESTS="$req" BENCH_EXPECT="$expect" BENCH_ORIGIN="$base" wrk -t"$c" -c"$c" -d"${WARMUP}s" \
        --timeout 10s -s "$BENCH_DIR/portal-requests.lua" "$base/" >"$WORK/wrk-warmup-$name.txt" 2>&1 \
        || { cat "$WORK/wrk-warmup-$name.txt" >&2; die "wrk failed (warm-up $label)"; }
    BENCH_REQUESTS="$req" BENCH_EXPECT="$expect" BENCH_ORIGIN="$base" python3 "$BENCH_DIR/cpu-split.py" --pid "$pid" -- \
        wrk -t"$c" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH_DIR/portal-requests.lua" "$base/" \
        >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($label)"; }
    line="$(grep '^BENCH_RESULT' "$out")" || { cat "$out" >&2; die "no result from wrk ($label)"; }
    cpu="$(grep '^BENCH_CPU' "$out")" || die "no CPU figures ($label)"
    echo "$name $line $cpu" >>"$WORK/raw.txt"
    table_row "$label" "$line $cpu" 0
}

run_loop healthz "GET /healthz (motcua floor)" "$WORK/healthz.req" 200 "$MOTCUA_PID" "$MOTCUA_BASE"
run_loop procedure "GET /thu-tuc/$PROCEDURE (procedure page, ${PROCEDURE_BYTES} B)" "$WORK/procedure.req" 200 "$MOTCUA_PID" "$MOTCUA_BASE"
run_loop form "GET /ho-so-nhap/{id}?buoc=to-khai (e-form page, ${FORM_BYTES} B)" "$WORK/form.req" 200 "$MOTCUA_PID" "$MOTCUA_BASE"

# Submission rounds: every connection submits each of its drafts once (BENCH_MODE=once); wrk is interrupted once
# every connection has written its samples.
ROUND_DIRS=()
for r in $(seq "$ROUNDS"); do
    if [ "$r" -gt 1 ]; then
        log "round $r: topping the drafts up to $DRAFTS per citizen (services, server running)"
        t0="$(now)"
        "$WORK/bench_seed_portal" --data "$DATA" --citizens "$PROBE" --drafts "$DRAFTS" --procedure "$PROCEDURE" \
            --out "$WORK/citizens.tsv" >>"$WORK/seed.log" 2>&1 || { tail -n 20 "$WORK/seed.log" >&2; die "seeding failed"; }
        log "topped up in $(elapsed "$t0" "$(now)") s: $(tail -n1 "$WORK/seed.log")"
    fi
    make_list submit "$WORK/submit-$r.req"
    dir="$WORK/samples-$r"
    mkdir -p "$dir"
    ROUND_DIRS+=("$dir")
    quiet_machine "$MOTCUA_PID"
    out="$WORK/wrk-submit-$r.txt"
    t0="$(now)"
    BENCH_REQUESTS="$WORK/submit-$r.req" BENCH_EXPECT=303 BENCH_MODE=once BENCH_SAMPLES="$dir" \
        BENCH_ORIGIN="$MOTCUA_BASE" python3 "$BENCH_DIR/cpu-split.py" --pid "$MOTCUA_PID" -- \
        wrk -t"$c" -c"$c" -d300s --timeout 10s -s "$BENCH_DIR/portal-requests.lua" "$MOTCUA_BASE/" >"$out" 2>&1 &
    split_pid=$!
    for _ in $(seq 3000); do
        done_files=("$dir"/conn-*.tsv)
        [ -e "${done_files[0]}" ] && [ "${#done_files[@]}" -ge "$c" ] && break
        kill -0 "$split_pid" 2>/dev/null || break
        sleep 0.1
    done
    wrk_pid="$(pgrep -P "$split_pid" -x wrk || true)"
    [ -n "$wrk_pid" ] && kill -INT "$wrk_pid" 2>/dev/null || true
    wait "$split_pid" || { cat "$out" >&2; die "wrk failed (submission round $r)"; }
    secs="$(elapsed "$t0" "$(now)")"
    files="$(find "$dir" -name 'conn-*.tsv' | wc -l)"
    [ "$files" -ge "$c" ] || die "submission round $r: only $files of $c connections finished"
    cpu="$(grep '^BENCH_CPU' "$out")" || die "no CPU figures (submission round $r)"
    line="$(python3 "$BENCH_DIR/portal-requests.py" samples "$dir" --warmup "$WARMUP_DRAFTS" | grep 'label=all')"
    echo "submit-$r $line $cpu" >>"$WORK/raw.txt"
    table_row "POST /ho-so-nhap/{id}/nop (submission, round $r)" "$line $cpu" "$secs"
done
python3 "$BENCH_DIR/portal-requests.py" samples "${ROUND_DIRS[@]}" --warmup "$WARMUP_DRAFTS" >"$WORK/submit-all.txt"
SUBMIT_ALL="$(grep 'label=all' "$WORK/submit-all.txt")"
# Pooled rounds: CPU as the mean of the rounds.
POOLED_CPU="$(awk '$1 ~ /^submit-/ { for (i = 2; i <= NF; i++) { split($i, p, "="); if (p[1] == "server" || p[1] == "client" || p[1] == "other") { s[p[1]] += p[2] } } n++ }
    END { printf "BENCH_CPU server=%.2f client=%.2f other=%.2f", s["server"] / n, s["client"] / n, s["other"] / n }' "$WORK/raw.txt")"
table_row "**POST /ho-so-nhap/{id}/nop (submission, $ROUNDS rounds pooled)**" "$SUBMIT_ALL $POOLED_CPU" 0
sed -i '$ s/| [0-9.]* |$/| (see rounds) |/' "$RESULTS"

kill -0 "$MOTCUA_PID" 2>/dev/null || die "the server died during the run"
SERVER_PEAK_RSS="$(awk '/^VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$MOTCUA_PID/status")"
NON_2XX="$(curl -fsS "$MOTCUA_BASE/metrics" | awk '/^motcua_http_requests_total/ && !/status="2[0-9][0-9]"/ && !/status="30[23]"/ { s += $NF } END { print s + 0 }')"
stop_pid "$MOTCUA_PID"
# Every submission answered 303 must have left a dossier (synchronous=FULL; counted after a clean stop).
read -r SUBMITTED DRAFTS_LEFT < <(python3 -c 'import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
bench = "SELECT \x27citizen:\x27 || public_ref FROM citizens WHERE email LIKE \x27thutai.%@example.vn\x27"
print(c.execute(f"SELECT count(*) FROM dossiers WHERE owner_ref IN ({bench})").fetchone()[0],
      c.execute("SELECT count(*) FROM drafts d JOIN citizens c ON c.id = d.citizen_id WHERE c.email LIKE \x27thutai.%@example.vn\x27").fetchone()[0])' "$DATA/motcua.db")
ANSWERED_303="$(find "${ROUND_DIRS[@]}" -name 'conn-*.tsv' -exec cat {} + | awk -F'\t' '$5 == 303 { n++ } END { print n + 0 }')"

# --- baselines: bare axum serving the same pages; bare axum + one durable insert --------------------------------------
quiet_machine
start_server pages "$WORK/bench_baseline_pages" --listen 127.0.0.1:0 --page "/thu-tuc=$WORK/procedure.html" \
    --page "/to-khai=$WORK/form.html"
PAGES_PID="$SERVER_PID"
make_list static "$WORK/static-procedure.req" --page procedure
make_list static "$WORK/static-form.req" --page form
run_loop static-procedure "GET static page, ${PROCEDURE_BYTES} B (baseline: bare axum)" "$WORK/static-procedure.req" 200 "$PAGES_PID" "$BASE"
run_loop static-form "GET static page, ${FORM_BYTES} B (baseline: bare axum)" "$WORK/static-form.req" 200 "$PAGES_PID" "$BASE"
stop_pid "$PAGES_PID"
quiet_machine
start_server baseline "$WORK/bench_baseline" --db "$WORK/baseline.db" --listen 127.0.0.1:0
BASELINE_PID="$SERVER_PID"
make_list rows "$WORK/rows.req"
run_loop rows "POST /rows (baseline: bare axum, one durable SQLite insert)" "$WORK/rows.req" 201 "$BASELINE_PID" "$BASE"
BASELINE_ROWS="$(curl -fsS "$BASE/rows/count")"
stop_pid "$BASELINE_PID"

# --- report ----------------------------------------------------------------------------------------------------------
echo "### Data"
echo
echo "- $(head -n1 "$WORK/seed.log") ($SEED_S s wall clock)"
echo "- between rounds: $(tail -n +2 "$WORK/seed.log" | sed -n 's/.*drafts made: \([0-9]*\) in \([0-9.]*\) s.*/\1 drafts in \2 s/p' | paste -sd ';' | sed 's/;/; /g')"
echo "- sessions: $(grep 'signed in through' "$WORK/checks.log" | tail -n1)"
echo "- pages: procedure page $PROCEDURE_BYTES bytes, e-form page $FORM_BYTES bytes (uncompressed: wrk sends no Accept-Encoding)"
echo
echo "### Each request alone (probe citizen $PROBE, idle server, before the load)"
echo
echo '```'
cut -f2 "$WORK/alone.txt"
echo '```'
echo
echo "### Under load: $c connections, one citizen each (latencies in ms)"
echo
echo "| endpoint | connections | req/s | p50 | p90 | p95 | p99 | max | requests measured | errors + unexpected status | CPU cores: server / wrk / other | server CPU ms per request |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$RESULTS"
echo
echo "Submission rounds (measured window: every connection busy, warm-up excluded):"
echo
echo '```'
cat "$WORK/submit-all.txt"
echo '```'
echo
echo "### Against the baselines"
echo
awk -v all="$SUBMIT_ALL" '
    function get(line, key,   n, kv, i, p) { n = split(line, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); if (p[1] == key) return p[2] } return "" }
    { raw[$1] = $0 }
    END {
        rows["procedure"] = "static-procedure"; rows["form"] = "static-form"
        printf "| request | req/s | baseline req/s | ratio | p99 ms | baseline p99 ms |\n|---|---|---|---|---|---|\n"
        split("procedure form", order, " ")
        for (j = 1; j <= 2; j++) {
            k = order[j]
            a = raw[k]; b = raw[rows[k]]
            ra = get(a, "requests") / (get(a, "duration_us") / 1e6); rb = get(b, "requests") / (get(b, "duration_us") / 1e6)
            printf "| %s | %.0f | %.0f | %.3f | %.1f | %.1f |\n", k, ra, rb, ra / rb, get(a, "p99") / 1000, get(b, "p99") / 1000
        }
        b = raw["rows"]
        ra = get(all, "requests") / (get(all, "duration_us") / 1e6); rb = get(b, "requests") / (get(b, "duration_us") / 1e6)
        printf "| submission (pooled) vs POST /rows | %.0f | %.0f | %.3f | %.1f | %.1f |\n", ra, rb, ra / rb, get(all, "p99") / 1000, get(b, "p99") / 1000
    }' "$WORK/raw.txt"
echo
echo "### Checks"
echo
echo "- submissions: $ANSWERED_303 answered 303 under load (warm-ups included) + $REPEAT by the probe citizen; dossiers of the benchmark citizens after a clean stop: $SUBMITTED; drafts left: $DRAFTS_LEFT"
echo "- baseline rows stored: $BASELINE_ROWS"
echo "- motcua server peak resident memory over the run (VmHWM): $SERVER_PEAK_RSS"
echo "- non-2xx/3xx answers counted by the motcua server over the whole run (/metrics): $NON_2XX"
echo "- total wall clock: $(elapsed "$STARTED" "$(now)") s"
[ "$SUBMITTED" -eq $((ANSWERED_303 + REPEAT)) ] || { log "WARNING: $SUBMITTED dossiers stored for $((ANSWERED_303 + REPEAT)) submissions answered 303"; BAD=1; }
if [ "$BAD" = 1 ] || [ "$NON_2XX" != 0 ]; then
    log "WARNING: some requests failed; see the table"
    exit 1
fi
