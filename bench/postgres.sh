# The PostgreSQL rows of bench/run.sh (sourced by it; uses its helpers, variables and cleanup).
#
# A throwaway cluster (scripts/test-postgres: initdb as an unprivileged user, Unix socket only, fsync and
# synchronous_commit on) and authd instances on it with the HS256 settings of the SQLite rows, then:
#   verify HS256 through an instance on PostgreSQL (the store is not involved: the same rate as on SQLite);
#   refresh with rotation + blacklist on one instance, then on two instances at once (two wrk processes, half the
#   connections each), each request a distinct refresh token recorded in PostgreSQL beforehand;
#   afterwards kill -9 of both instances, and a count of the rotations PostgreSQL holds against the 200s.
# Server CPU µs per request counts authd and every PostgreSQL process of the cluster.

# Its own folder directly under /tmp: the cluster's owner (not root) must be able to reach it, which $WORK (0700)
# does not allow.
PG_DIR=""
PG_TOKENS=${PG_TOKENS:-100000}   # refresh bodies per wrk process

# CPU ticks of the cluster: the postmaster and its children (backends, WAL writer, checkpointer…).
pg_ticks() {
  local postmaster total=0 p
  postmaster=$(head -1 "$PG_DIR/data/postmaster.pid")
  for p in "$postmaster" $(pgrep -P "$postmaster"); do total=$((total + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done
  echo $total
}

# Settings for instance $1 (1, 2…) on TCP port AUTHD_PORT + 10 + $1, sharing the HS256 key.
pg_settings() {
  local n=$1 dir="$WORK/pg$1"
  mkdir -p "$dir"
  sed -e "s|^  - tcp: .*|  - tcp: 127.0.0.1:$((AUTHD_PORT + 10 + n))|" -e "s|^  - unix: .*|  - unix: $dir/authd.sock|" \
      -e "s|^  sqlite: .*|  postgres:\n    url: \"$PG_URL\"\n    schema: bench|" "$WORK/HS256/authd.yaml" >"$dir/authd.yaml"
}

pg_start_instance() {
  local n=$1 dir="$WORK/pg$1"
  "$AUTHD" serve --config "$dir/authd.yaml" 2>>"$dir/authd.log" &
  local pid=$!
  PIDS+=("$pid")
  eval "PG_PID$n=$pid"
  "$AUTHD" bench wait-ready --tcp "127.0.0.1:$((AUTHD_PORT + 10 + n))" --path /healthz --timeout 10 >/dev/null
}

pg_rotated() {
  psql "$PG_URL" -X -A -t -c "SELECT count(*) FROM bench.blacklisted_tokens WHERE reason = 'rotated'"
}

# One wrk refresh load against instance $1 with body file $2 and $3 connections, one thread; prints wrk-result.
pg_refresh_load() {
  BENCH_BODIES="$2" BENCH_THREADS=1 THREADS=1 CONNS=$3 wrk_run "http://127.0.0.1:$((AUTHD_PORT + 10 + $1))/api/token/refresh/" |
    grep '^wrk-result:'
}

postgres_runs() {
  PG_DIR=$(mktemp -d /tmp/authd-bench-pg.XXXXXX)
  CLEANUP_EXTRA+=("$REPO/scripts/test-postgres stop $PG_DIR" "rm -rf $PG_DIR")
  log "PostgreSQL: a throwaway cluster in $PG_DIR"
  PG_URL=$("$REPO/scripts/test-postgres" start "$PG_DIR")
  pg_settings 1
  pg_settings 2
  # The same user as the SQLite rows (one PBKDF2 hash at the configured cost).
  printf 'bench-password\n' | "$AUTHD" user add alice --password-stdin --config "$WORK/pg1/authd.yaml" >/dev/null
  log "PostgreSQL: minting $((3 * PG_TOKENS)) refresh tokens into the database"
  local f
  for f in one two-a two-b; do
    "$AUTHD" bench mint-refresh --config "$WORK/pg1/authd.yaml" --user alice --count "$PG_TOKENS" --out "$WORK/pg-$f.txt" >/dev/null
  done
  pg_start_instance 1

  log "verify HS256 on an instance with the PostgreSQL store (wrk)"
  local line
  line=$(BENCH_BODY="$VERIFY_BODY" measured "$PG_PID1" wrk_run "http://127.0.0.1:$((AUTHD_PORT + 11))/api/token/verify/")
  row "verify HS256, PostgreSQL store" tcp "$line" "$(ratio "$(field "$line" rps)" "$VERIFY_HS256_RPS") × verify on SQLite"
  PG_VERIFY_RPS=$(field "$line" rps)

  local before after t0 g0
  before=$(pg_rotated)
  log "refresh (rotation + blacklist) on PostgreSQL, one instance (wrk)"
  t0=$(cpu_ticks "$PG_PID1"); g0=$(pg_ticks)
  line=$(BENCH_BODIES="$WORK/pg-one.txt" BENCH_THREADS=$THREADS wrk_run "http://127.0.0.1:$((AUTHD_PORT + 11))/api/token/refresh/" | grep '^wrk-result:')
  PG_ONE_OK=$(( $(field "$line" responses) - $(field "$line" non2xx) ))
  row "refresh + rotate + blacklist, PostgreSQL, 1 instance" tcp "$line cpu_us=$(pg_cpu_us "$t0" "$g0" "$(field "$line" responses)" "$PG_PID1")" \
    "server CPU includes PostgreSQL"
  PG_ONE_RPS=$(field "$line" rps)

  pg_start_instance 2
  log "refresh on PostgreSQL, two instances at once (two wrk, $((CONNECTIONS / 2)) connections each)"
  t0=$(( $(cpu_ticks "$PG_PID1") + $(cpu_ticks "$PG_PID2") )); g0=$(pg_ticks)
  pg_refresh_load 1 "$WORK/pg-two-a.txt" $((CONNECTIONS / 2)) >"$WORK/pg-two-a.out" &
  local a=$!
  pg_refresh_load 2 "$WORK/pg-two-b.txt" $((CONNECTIONS / 2)) >"$WORK/pg-two-b.out" &
  local b=$!
  wait "$a" "$b"
  local la lb
  la=$(cat "$WORK/pg-two-a.out"); lb=$(cat "$WORK/pg-two-b.out")
  line=$(awk -v a="$la" -v b="$lb" 'function f(s, k,   m) { m = s; sub(".*[ :]" k "=", "", m); sub(" .*", "", m); return m + 0 }
    BEGIN { printf "wrk-result: rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d responses=%d non2xx=%d\n",
      f(a, "rps") + f(b, "rps"), (f(a, "p50_ms") > f(b, "p50_ms") ? f(a, "p50_ms") : f(b, "p50_ms")),
      (f(a, "p99_ms") > f(b, "p99_ms") ? f(a, "p99_ms") : f(b, "p99_ms")), f(a, "errors") + f(b, "errors"),
      f(a, "responses") + f(b, "responses"), f(a, "non2xx") + f(b, "non2xx") }')
  PG_TWO_OK=$(( $(field "$line" responses) - $(field "$line" non2xx) ))
  row "refresh + rotate + blacklist, PostgreSQL, 2 instances" tcp \
    "$line cpu_us=$(pg_cpu_us "$t0" "$g0" "$(field "$line" responses)" "$PG_PID1" "$PG_PID2")" \
    "two instances: $(field "$la" rps) + $(field "$lb" rps) req/s; p50/p99 of the slower"
  PG_TWO_RPS=$(field "$line" rps)

  # Durability: kill -9 both instances; every acknowledged rotation must be in PostgreSQL.
  kill -9 "$PG_PID1" "$PG_PID2"
  wait "$PG_PID1" "$PG_PID2" 2>/dev/null || true
  forget "$PG_PID1"; forget "$PG_PID2"
  after=$(pg_rotated)
  PG_DURABLE_NOTE="after kill -9 of both: $((after - before)) rotations in PostgreSQL for $((PG_ONE_OK + PG_TWO_OK)) acknowledged (200) ones"
  if (( after - before < PG_ONE_OK + PG_TWO_OK )); then PG_DURABLE_NOTE="$PG_DURABLE_NOTE: LOST ROTATIONS"; fi
  log "$PG_DURABLE_NOTE"
  "$REPO/scripts/test-postgres" stop "$PG_DIR"
}

# Server CPU µs per response: the authd pids given after the first three arguments plus the cluster, since ticks
# $1 (authd) and $2 (cluster) were read.
pg_cpu_us() {
  local t0=$1 g0=$2 n=$3 t1=0 p
  shift 3
  for p in "$@"; do t1=$((t1 + $(cpu_ticks "$p"))); done
  awk -v t=$((t1 - t0 + $(pg_ticks) - g0)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "n/a" }'
}

# The PostgreSQL lines of the targets table.
postgres_targets() {
  target_row "refresh on PostgreSQL (rotation + blacklist, durable)" "≥ 5,000/s" \
    "1 instance $PG_ONE_RPS/s, 2 instances $PG_TWO_RPS/s ($(ratio "$PG_ONE_RPS" "$REFRESH_RPS") and $(ratio "$PG_TWO_RPS" "$REFRESH_RPS") × SQLite's $REFRESH_RPS/s in this run); $PG_DURABLE_NOTE" \
    "$(awk -v a="$PG_ONE_RPS" -v b="$PG_TWO_RPS" 'BEGIN { print (a >= 5000 || b >= 5000) ? "yes" : "no" }')"
  # Compared by server CPU per verify: the rates were measured minutes apart on a shared machine.
  local pg_cpu sqlite_cpu
  pg_cpu=$(field "$(row_line 'verify HS256, PostgreSQL store' tcp)" cpu_us)
  sqlite_cpu=$(field "$(row_line 'verify HS256' tcp)" cpu_us)
  target_row "verify does not depend on the store" "server CPU per verify within 20 % of SQLite's" \
    "$pg_cpu vs $sqlite_cpu µs ($(ratio "$pg_cpu" "$sqlite_cpu")); $PG_VERIFY_RPS vs $VERIFY_HS256_RPS req/s" \
    "$(awk -v r="$(ratio "$pg_cpu" "$sqlite_cpu")" 'BEGIN { print (r <= 1.2) ? "yes" : "no" }')"
}
