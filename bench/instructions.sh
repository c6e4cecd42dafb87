#!/usr/bin/env bash
# Instructions per request of one authd binary, counted by valgrind's callgrind: unlike requests per second this
# does not move with the machine's load, so two builds (before and after a change) compare exactly.
#
#   bench/instructions.sh [AUTHD_BINARY] [PORT]      (default: .build/release/authd, port 18600)
#
# Runs the daemon under callgrind on loopback (HS256, rotation and blacklist on, a cheap PBKDF2 for the one user),
# zeroes the counters once it is ready, drives verify, forward auth and then refresh (a distinct minted refresh token per request)
# with `authd bench` for DURATION seconds each (default 10; callgrind runs about 50× slower than native), and prints
# Ir per request summed over all threads of the server (so refresh includes the writer's and checkpointer's share).
# Needs valgrind and curl (Debian packages).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN=${1:-$REPO/.build/release/authd}
PORT=${2:-18600}
DURATION=${DURATION:-10}
W=$(mktemp -d /tmp/authd-instructions.XXXXXX)
PID=
cleanup() {
  [[ -n "$PID" ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  rm -rf "$W"
}
trap cleanup EXIT
"$BIN" keys generate --algorithm HS256 --out "$W/key" >/dev/null
cat >"$W/authd.yaml" <<YAML
SIMPLE_JWT:
  SIGNING_KEY_FILE: $W/key
  ROTATE_REFRESH_TOKENS: true
  BLACKLIST_AFTER_ROTATION: true
listen:
  - tcp: 127.0.0.1:$PORT
store:
  sqlite: $W/authd.sqlite3
passwords:
  iterations: 1000
logging:
  level: error
YAML
echo pw | "$BIN" user add bench --password-stdin --config "$W/authd.yaml" >/dev/null
"$BIN" bench mint-refresh --config "$W/authd.yaml" --user bench --count 5000 --out "$W/refresh.bodies" >/dev/null
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$W/cg.%p" -q \
  "$BIN" serve --config "$W/authd.yaml" 2>"$W/log" &
PID=$!
"$BIN" bench wait-ready --tcp "127.0.0.1:$PORT" --timeout 60s >/dev/null
ACCESS=$(curl -s -d username=bench -d password=pw "http://127.0.0.1:$PORT/api/token/" |
  sed -n 's/.*"access":"\([^"]*\)".*/\1/p')

measure() {  # name, then `authd bench` arguments
  local name=$1; shift
  callgrind_control -z "$PID" >/dev/null 2>&1
  local out responses
  out=$("$BIN" bench --tcp "127.0.0.1:$PORT" --connections 4 --threads 1 --duration "${DURATION}s" "$@" 2>&1)
  responses=$(sed -n 's/^result:.*responses=\([0-9]*\).*/\1/p' <<<"$out")
  rm -f "$W"/cg."$PID".*
  callgrind_control -d "$PID" >/dev/null 2>&1
  local total=0 file count
  for file in "$W"/cg."$PID".*; do
    count=$(awk '/^(totals|summary):/ { print $2; exit }' "$file")
    total=$((total + ${count:-0}))
  done
  printf '| %s | %s | %s | %s |\n' "$name" "$responses" "$total" "$((total / responses))"
}
echo "| request | responses | instructions | per request |"
echo "|---|---:|---:|---:|"
measure "verify HS256" --method POST --path /api/token/verify/ --body "{\"token\":\"$ACCESS\"}"
measure "forward auth (GET, Bearer)" --method GET --path /api/token/auth/ --header "Authorization: Bearer $ACCESS"
measure "refresh + rotate + blacklist" --method POST --path /api/token/refresh/ --bodies "$W/refresh.bodies"
