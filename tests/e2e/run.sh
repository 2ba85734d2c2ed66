#!/usr/bin/env bash
# Runs the browser walk (pages.mjs) against a fresh demo office served by the debug binary.
#
#   bash tests/e2e/run.sh            # from the repository root; builds nothing, expects target/debug/motcua
#
# Env: MOTCUA_BIN (default target/debug/motcua), CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (optional),
# AXE_ALLOW (optional, see pages.mjs). Installs playwright-core and axe-core into tests/e2e/node_modules from
# package-lock.json with `npm ci` when they are missing. Exits with pages.mjs's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${MOTCUA_BIN:-$root/target/debug/motcua}"
password='Mật khẩu thử nghiệm 2026'

if [ ! -x "$bin" ]; then
  echo "run.sh: $bin not found; run 'cargo build' first" >&2
  exit 2
fi
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

data="$(mktemp -d)"
log="$data/server.log"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

MOTCUA_DEMO_PASSWORD="$password" "$bin" --data "$data/office" demo --listen 127.0.0.1:0 >"$log" 2>&1 &
server=$!

base=""
for _ in $(seq 1 300); do
  base="$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)"
  [ -n "$base" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "run.sh: the demo server exited early:" >&2
    cat "$log" >&2
    exit 2
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "run.sh: the demo server did not print its address within 30 s:" >&2
  cat "$log" >&2
  exit 2
fi

status=0
BASE_URL="$base" ADMIN_USER=quantri OFFICER_USER=motcua.canbo1 PASSWORD="$password" \
  node "$here/pages.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- demo server log (last 40 lines) ---"
  tail -n 40 "$log"
fi
exit "$status"
