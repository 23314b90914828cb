#!/usr/bin/env bash
# Challenge 4's bench: what calling A through B costs. Starts its own compose project (one
# replica of A), loads A directly and then B with wrk from inside users-net, first over one
# connection (the cost of the hop), then over CONNECTIONS (throughput), and prints p50, p99,
# requests per second and B's added latency. Bounded: a 3 s warm-up and four runs of DURATION
# (default 5s); the project and the wrk container are removed at the end.
# Usage: tests/4/bench.sh   (needs the service-a, service-b and wrk images)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=$PWD/tests
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/bench/wrk.sh
source tests/bench/wrk.sh
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

# wrk CONNECTIONS ARGS...: wrk in a container on this project's users-net, where A and B are.
wrk() {
  local connections=$1; shift
  timeout 120 docker run --rm --name "$WRK_NAME" --network "${COMPOSE_PROJECT_NAME}_users-net" \
    "$WRK_IMAGE" -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" "$@"
}

# measure CONNECTIONS URL: prints "REQ_PER_S P50_MS P99_MS ERRORS" for DURATION of load.
measure() { wrk_summary "$(wrk "$1" -d"$DURATION" --latency "$2")"; }

minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'; }

B_PORT=$(free_port) compose up -d --wait >/dev/null 2>&1
a_url=http://service-a:8080/users/1
b_url=http://service-b:8080/profiles/1
# Warm-up: the JIT compiles the hot paths of both services (B's include A's).
wrk "$CONNECTIONS" -d3s "$b_url" >/dev/null

# One connection shows what the hop itself costs; CONNECTIONS show throughput and queueing.
read -r _ a1_p50 a1_p99 a1_err <<<"$(measure 1 "$a_url")"
read -r _ b1_p50 b1_p99 b1_err <<<"$(measure 1 "$b_url")"
read -r a_rps a_p50 a_p99 a_err <<<"$(measure "$CONNECTIONS" "$a_url")"
read -r b_rps b_p50 b_p99 b_err <<<"$(measure "$CONNECTIONS" "$b_url")"

line() { printf '%-20s %8s %8s   %8s %8s %8s %7s\n' "$@"; }
echo "challenge 4: wrk from users-net, one replica of A, $DURATION per run"
line "" "1 conn" "" "$CONNECTIONS conns" "" "" ""
line target "p50 ms" "p99 ms" "req/s" "p50 ms" "p99 ms" errors
line "A  GET /users/1" "$a1_p50" "$a1_p99" "$a_rps" "$a_p50" "$a_p99" "$((a1_err + a_err))"
line "B  GET /profiles/1" "$b1_p50" "$b1_p99" "$b_rps" "$b_p50" "$b_p99" "$((b1_err + b_err))"
line "B's added latency" "$(minus "$b1_p50" "$a1_p50")" "$(minus "$b1_p99" "$a1_p99")" "" \
  "$(minus "$b_p50" "$a_p50")" "$(minus "$b_p99" "$a_p99")" ""
record challenge-4 "A directly" "p50, 1 connection" "$a1_p50" ms
record challenge-4 "B (calls A)" "p50, 1 connection" "$b1_p50" ms
record challenge-4 "A directly" "requests per second, $CONNECTIONS connections" "$a_rps" req/s
record challenge-4 "B (calls A)" "requests per second, $CONNECTIONS connections" "$b_rps" req/s
record challenge-4 "A directly" "p99, $CONNECTIONS connections" "$a_p99" ms
record challenge-4 "B (calls A)" "p99, $CONNECTIONS connections" "$b_p99" ms
record challenge-4 "B/A" "req/s ratio" \
  "$(awk -v a="$b_rps" -v b="$a_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" x
