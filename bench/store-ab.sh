#!/usr/bin/env bash
# Refresh with rotation + blacklist on the SQLite store and on the PostgreSQL store, alternating, so both are measured
# in the same minutes (on a shared machine, rows taken minutes apart are not comparable):   bench/store-ab.sh
#
# Uses the release build (run bench/run.sh or `swift build -c release` first) and a throwaway PostgreSQL cluster
# (scripts/test-postgres). Prints one line per run: req/s, latencies, and the CPU microseconds per refresh of authd and
# of PostgreSQL (from /proc/PID/stat). Environment: ROUNDS (3), DURATION (8 s), CONNECTIONS (64), PORT (18610).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AUTHD="$REPO/.build/release/authd"
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-8} CONNECTIONS=${CONNECTIONS:-64} PORT=${PORT:-18610}
# shellcheck source=bench/postgres.sh
source "$REPO/bench/postgres.sh"   # pg_ticks
WORK=$(mktemp -d /tmp/authd-store-ab.XXXXXX)
PG_DIR=$(mktemp -d /tmp/authd-store-ab-pg.XXXXXX)
SERVER=""
cleanup() {
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  "$REPO/scripts/test-postgres" stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK" "$PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -x "$AUTHD" ]] || { echo "build first: swift build -c release" >&2; exit 1; }
URL=$("$REPO/scripts/test-postgres" start "$PG_DIR")
"$AUTHD" keys generate --algorithm HS256 --out "$WORK/signing.key" >/dev/null
for store in sqlite postgres; do
  {
    printf 'SIMPLE_JWT:\n  ROTATE_REFRESH_TOKENS: true\n  BLACKLIST_AFTER_ROTATION: true\n'
    printf '  SIGNING_KEY_FILE: %s\n' "$WORK/signing.key"
    printf 'listen:\n  - tcp: 127.0.0.1:%s\nstore:\n' "$PORT"
    if [[ $store == sqlite ]]; then printf '  sqlite: %s\n' "$WORK/authd.sqlite3"; else printf '  postgres:\n    url: "%s"\n' "$URL"; fi
    printf 'passwords:\n  iterations: 1000\nsecurity:\n  max_connections: 20000\nlogging:\n  level: warning\n'
  } >"$WORK/$store.yaml"
  printf 'pw\n' | "$AUTHD" user add alice --password-stdin --config "$WORK/$store.yaml" >/dev/null
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

run() {
  local store=$1
  "$AUTHD" bench mint-refresh --config "$WORK/$store.yaml" --user alice --count $((DURATION * 8000)) --out "$WORK/tokens.txt" >/dev/null
  "$AUTHD" serve --config "$WORK/$store.yaml" 2>>"$WORK/$store.log" &
  SERVER=$!
  "$AUTHD" bench wait-ready --tcp "127.0.0.1:$PORT" --path /healthz --timeout 10 >/dev/null
  local a0 g0 out
  a0=$(cpu_ticks "$SERVER"); g0=$(pg_ticks)
  out=$("$AUTHD" bench --tcp "127.0.0.1:$PORT" --method POST --path /api/token/refresh/ --bodies "$WORK/tokens.txt" \
    --connections "$CONNECTIONS" --threads 2 --duration "${DURATION}s" | grep '^result:')
  local a1 g1 n
  a1=$(cpu_ticks "$SERVER"); g1=$(pg_ticks)
  n=$(sed 's/.*responses=\([0-9]*\).*/\1/' <<<"$out")
  awk -v s="$store" -v r="$out" -v a=$((a1 - a0)) -v g=$((g1 - g0)) -v n="$n" -v hz="$(getconf CLK_TCK)" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { split(r, f, " "); printf "%-8s %s %s %s authd_us=%.0f postgres_us=%.0f load=%s\n", s, f[2], f[3], f[4], a / hz * 1e6 / n, (s == "postgres" ? g / hz * 1e6 / n : 0), l }'
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=""
}

for _ in $(seq "$ROUNDS"); do run sqlite; run postgres; done
