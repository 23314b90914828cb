#!/usr/bin/env bash
# Challenge 4's bench: what calling A through B costs. Starts its own compose project (one
# replica of A), loads A directly and then B with wrk from inside users-net, and prints the
# requests per second, p50 and p99 of each and B's added latency. Bounded: a 3 s warm-up and
# DURATION (default 5s) per target; the project and the wrk container are removed at the end.
# Usage: tests/4/bench.sh   (needs the service-a, service-b and wrk images)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=$PWD/tests
# shellcheck source=tests/lib.sh
source tests/lib.sh
project bench 4

DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-16}
WRK_IMAGE=$IMAGE_PREFIX/wrk:$VERSION
WRK_NAME=$COMPOSE_PROJECT_NAME-wrk

cleanup() {
  docker rm -f "$WRK_NAME" >/dev/null 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT

# wrk ARGS...: wrk in a container on this project's users-net, where both A and B are.
wrk() {
  timeout 120 docker run --rm --name "$WRK_NAME" --network "${COMPOSE_PROJECT_NAME}_users-net" \
    "$WRK_IMAGE" -t2 -c"$CONNECTIONS" "$@"
}

# ms VALUE: a wrk latency (850.00us, 1.20ms, 1.05s) in milliseconds.
ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# measure URL: prints "REQ_PER_S P50_MS P99_MS ERRORS" for DURATION of load on URL.
measure() {
  local out; out=$(wrk -d"$DURATION" --latency "$1")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  # "Non-2xx or 3xx responses: N" and "Socket errors: connect N, read N, write N, timeout N"
  errors=$(awk '/^  Non-2xx/ { s += $NF }
                /^  Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 }
                END { print s + 0 }' <<<"$out")
  echo "$rps $p50 $p99 $errors"
}

B_PORT=$(free_port) compose up -d --wait >/dev/null 2>&1
a_url=http://service-a:8080/users/1
b_url=http://service-b:8080/profiles/1
# Warm-up: the JIT compiles the hot paths of both services (B's include A's).
wrk -d3s "$b_url" >/dev/null

read -r a_rps a_p50 a_p99 a_err <<<"$(measure "$a_url")"
read -r b_rps b_p50 b_p99 b_err <<<"$(measure "$b_url")"

printf 'challenge 4: wrk -t2 -c%s -d%s from users-net, one replica of A\n' \
  "$CONNECTIONS" "$DURATION"
printf '%-28s %9s %9s %9s %7s\n' target "req/s" "p50 ms" "p99 ms" errors
printf '%-28s %9s %9s %9s %7s\n' "A  GET /users/1" "$a_rps" "$a_p50" "$a_p99" "$a_err"
printf '%-28s %9s %9s %9s %7s\n' "B  GET /profiles/1" "$b_rps" "$b_p50" "$b_p99" "$b_err"
printf '%-28s %9s %+9.2f %+9.2f\n' "B's added latency" "" \
  "$(awk -v b="$b_p50" -v a="$a_p50" 'BEGIN { print b - a }')" \
  "$(awk -v b="$b_p99" -v a="$a_p99" 'BEGIN { print b - a }')"
