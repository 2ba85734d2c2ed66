#!/usr/bin/env bash
# Dossier-search benchmark: indexing rate, index size and search latency of the staff dossier index
# (src/search/dossiers) over generated dossiers, under concurrent load, next to a baseline measured in the same run:
#   find_code     one exact-term lookup of a dossier code through the same searcher, no parsing, scoring or
#                 snippets: the floor of a search round trip
# No server and no HTTP: examples/bench_dossier_search.rs calls the search layer directly from N threads.
#
# Usage: scripts/bench/dossier-search.sh [--build] [--dossiers N] [--clients N] [--duration SECONDS] [--keep]
#   --build        run `cargo build --release --example bench_dossier_search` first (default: only if missing)
#   --dossiers     dossiers to generate and index (default 1000000)
#   --clients      concurrent searching threads (default 8)
#   --duration     seconds of the query mix under load (default 60; the baseline runs 15 s)
#   --keep         keep the temporary directory (the index, the samples, the raw reports)
# Environment: BENCH_MAX_OTHER (cores other processes may use while measuring, 0.10), BENCH_QUIET_TIMEOUT (seconds
#   to wait for a quiet machine, 1800), BENCH_RETRIES (attempts of a load run that other work disturbed, 3), TMPDIR (where the index goes: on the disk to test; 1,000,000 dossiers need
#   about 6 GB), CARGO_TARGET_DIR.
#
# Two runs of the example: the build (indexing, merges, size), then, after waiting for a quiet machine again, the
# load phases over the index the build left. Prints a Markdown report; figures go in docs/PERFORMANCE.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$ROOT/scripts/bench"
N=1000000
CLIENTS=8
DURATION=60
BUILD=0
KEEP=0
MAX_OTHER="${BENCH_MAX_OTHER:-0.10}"
QUIET_TIMEOUT="${BENCH_QUIET_TIMEOUT:-1800}"
RETRIES="${BENCH_RETRIES:-3}"

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1 ;;
        --dossiers) N="$2"; shift ;;
        --clients) CLIENTS="$2"; shift ;;
        --duration) DURATION="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/examples/bench_dossier_search"
if [ "$BUILD" = 1 ] || [ ! -x "$BIN" ]; then
    log "building the example (cargo build --release --example bench_dossier_search)"
    (cd "$ROOT" && cargo build --release --example bench_dossier_search)
fi
[ -x "$BIN" ] || die "no binary at $BIN"
command -v python3 >/dev/null 2>&1 || die "python3 is required (scripts/bench/cpu-split.py)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/motcua-dossier-search.XXXXXX")"
cleanup() {
    local status=$?
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A private copy, so a concurrent `cargo build` cannot swap the binary between the two runs.
cp "$BIN" "$WORK/bench_dossier_search"
BIN="$WORK/bench_dossier_search"

quiet_machine() {
    python3 "$BENCH_DIR/cpu-split.py" --wait-quiet --pid 0 --max-other "$MAX_OTHER" --timeout "$QUIET_TIMEOUT" \
        || log "WARNING: the machine did not go quiet within $QUIET_TIMEOUT s; measuring anyway"
}

quiet_machine
log "building an index of $N dossiers in $WORK/index"
/usr/bin/time -v "$BIN" --dossiers "$N" --dir "$WORK/index" --build-only >"$WORK/build.md" 2>"$WORK/build.err" \
    || { tail -n 30 "$WORK/build.err" >&2; die "the build failed"; }
GIT_REV="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
GIT_DIRTY="$(cd "$ROOT" && { git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ", uncommitted changes" || true; })"
sed -n '1,/^- arguments/p' "$WORK/build.md"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git $GIT_REV$GIT_DIRTY; $(uname -sr); $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "- index directory on: $(df -h "$WORK" | awk 'NR == 2 { print $1 " (" $2 ")" }')"
sed -n '/^- arguments/,$p' "$WORK/build.md" | tail -n +2
PEAK_KB="$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$WORK/build.err")"
echo "- peak resident memory of the build process: $(awk -v k="${PEAK_KB:-0}" 'BEGIN { printf "%.0f MB", k / 1024 }')"
echo

# The example reports the cores other processes used during each phase; a run disturbed by other work (more than
# twice BENCH_MAX_OTHER during the query mix) is repeated.
for attempt in $(seq "$RETRIES"); do
    quiet_machine
    log "measuring the load phases ($CLIENTS clients, ${DURATION} s), attempt $attempt of $RETRIES"
    "$BIN" --dossiers "$N" --dir "$WORK/index" --reuse --clients "$CLIENTS" --duration "$DURATION" \
        >"$WORK/load.md" 2>"$WORK/load.err" || { tail -n 30 "$WORK/load.err" >&2; die "the load phases failed"; }
    OTHER="$(sed -n '/^### Query mix/,$ s/.*other work on the machine \([0-9.]*\) cores.*/\1/p' "$WORK/load.md" | head -n1)"
    if awk -v o="${OTHER:-9}" -v m="$MAX_OTHER" 'BEGIN { exit !(o <= 2 * m) }'; then break; fi
    log "the query mix was disturbed by other work ($OTHER cores)"
done
# The header and the index figures were printed by the build already.
sed -n '/^### Each query alone/,$p' "$WORK/load.md"
