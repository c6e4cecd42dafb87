#!/usr/bin/env bash
# Before/after for one path: verify HS256 (the hottest endpoint), with two authd binaries, interleaved so that
# noise from other work on the machine hits both alike:
#   bench/ab-verify.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]
# Each round runs both binaries one after the other (same settings, same key, same access token) and loads
# them with `authd bench` (from AFTER) for DURATION seconds over TCP and over the Unix socket. Prints a Markdown
# table: median requests/s and server CPU µs per request per binary and transport, and the after/before ratios.
# Environment: DURATION (seconds per load, default 8), CONNECTIONS (default 64), PORT (default 18500).
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18500}
work=$(mktemp -d /tmp/authd-ab.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$after" keys generate --algorithm HS256 --out "$work/signing.key" >/dev/null
cat > "$work/authd.yaml" <<YAML
SIMPLE_JWT:
  ACCESS_TOKEN_LIFETIME: 1h
  SIGNING_KEY_FILE: $work/signing.key
listen:
  - tcp: 127.0.0.1:$PORT
  - unix: $work/authd.sock
store:
  sqlite: $work/authd.sqlite3
passwords:
  iterations: 1000
logging:
  level: warning
YAML
echo pw | "$after" user add alice --password-stdin --config "$work/authd.yaml" >/dev/null

start() {
    "$1" serve --config "$work/authd.yaml" 2>>"$work/serve.log" &
    pid=$!
    "$after" bench wait-ready --tcp "127.0.0.1:$PORT" --timeout 10 >/dev/null
}
stop() { kill "$pid"; wait "$pid" || true; pid=""; }

start "$after"
token=$(curl -s -d username=alice -d password=pw "http://127.0.0.1:$PORT/api/token/" | sed 's/.*"access":"\([^"]*\)".*/\1/')
stop
body="{\"token\":\"$token\"}"

field() { sed -n "s/.*[ :]$2=\([^ ]*\).*/\1/p" <<<"$1" | head -1; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Server CPU per request is the steadier figure on a shared machine: other work slows the load, not the cost.
load() {  # transport target... → "rps p99 errors cpu_us"
    local line t0 t1
    t0=$(cpu_ticks "$pid")
    line=$("$after" bench "$@" --method POST --path /api/token/verify/ --body "$body" --connections "$CONNECTIONS" \
        --threads 2 --duration "${DURATION}s" | grep '^result:') || true
    t1=$(cpu_ticks "$pid")
    local cpu
    cpu=$(awk -v t=$((t1 - t0)) -v n="$(field "$line" responses)" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "nan" }')
    echo "$(field "$line" rps) $(field "$line" p99_ms) $(field "$line" errors) $cpu"
}

declare -A results
for round in $(seq 1 "$rounds"); do
    for which in before after; do
        binary=$before; [ "$which" = after ] && binary=$after
        start "$binary"
        results[$which-tcp]+="$(load --tcp "127.0.0.1:$PORT")"$'\n'
        results[$which-unix]+="$(load --unix "$work/authd.sock")"$'\n'
        stop
        echo "round $round $which done" >&2
    done
done

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "| transport | before req/s (median of $rounds) | after req/s | after/before | before CPU µs/req | after CPU µs/req | after/before | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for transport in tcp unix; do
    b=$(printf '%s' "${results[before-$transport]}" | awk 'NF { print $1 }' | median)
    a=$(printf '%s' "${results[after-$transport]}" | awk 'NF { print $1 }' | median)
    bc=$(printf '%s' "${results[before-$transport]}" | awk 'NF { print $4 }' | median)
    ac=$(printf '%s' "${results[after-$transport]}" | awk 'NF { print $4 }' | median)
    errors=$(printf '%s%s' "${results[before-$transport]}" "${results[after-$transport]}" | awk 'NF { s += $3 } END { print s + 0 }')
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
    echo "| $transport | $b | $a | $(ratio "$a" "$b") | $bc | $ac | $(ratio "$ac" "$bc") | $errors |"
done
echo
echo "all runs (rps p99_ms errors cpu_us):"
for key in before-tcp after-tcp before-unix after-unix; do echo "$key: $(printf '%s' "${results[$key]}" | tr '\n' ';')"; done
