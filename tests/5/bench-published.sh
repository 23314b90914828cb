#!/usr/bin/env bash
# Challenge 5 as a user meets it: the stack `make run-5` starts (HTTPS on, the shipped routing
# table; without the dashboard and API keys, which no request here uses), loaded from this
# machine through the gateway's published port as soon as `docker compose up --wait` says
# every container is healthy. Two routes at once,
# GET /users and GET /products/1, each by wrk on the host's network with 16 connections to
# 127.0.0.1: req/s, p99 and the gateway's CPU per request over the first 15 s of load, and
# over the 10 s after 50 s of it (a minute from the start). Bounded: about 90 s and the start
# (at most 180 s).
# Usage: tests/5/bench-published.sh   (run by tests/5/bench.sh, hence by make bench-5)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=$PWD/tests
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/bench/wrk.sh
source tests/bench/wrk.sh
project bench-published 5

WRK_IMAGE=$IMAGE_PREFIX/wrk:$VERSION
routes=(/users /products/1)
tmp=$(mktemp -d)
http_port=$(free_port)
tls_port=$(free_port "$http_port")

# stack ARGS...: docker compose on challenge 5 with HTTPS, as make run-5 runs it.
stack() {
  GATEWAY_PORT=$http_port GATEWAY_TLS_PORT=$tls_port \
    GATEWAY_TLS_KEYSTORE_FILE=$tmp/secrets/gateway.p12 \
    GATEWAY_TLS_PASSWORD_FILE=$tmp/secrets/gateway.p12.password \
    compose -f "$ROOT/challenges/5/compose.tls.yaml" "$@"
}
cleanup() {
  local route
  for route in "${routes[@]}"; do docker rm -f "$(wrk_name "$route")" >/dev/null 2>&1 || true; done
  stack down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
wrk_name() { echo "$COMPOSE_PROJECT_NAME-wrk$(tr '/' '-' <<<"$1")"; }
# out_file ROUTE: where load_all keeps ROUTE's wrk output.
out_file() { echo "$tmp/out$(tr '/' '-' <<<"$1")"; }

# load ROUTE SECONDS: wrk on ROUTE through the published HTTPS port for SECONDS; its output.
load() {
  timeout $(( $2 + 60 )) docker run --rm --name "$(wrk_name "$1")" --network host "$WRK_IMAGE" \
    -t1 -c16 -d"$2"s --latency "https://127.0.0.1:$tls_port$1" 2>&1
}

# load_all SECONDS: every route loaded at once for SECONDS, each route's output in its out_file.
load_all() {
  local route pids=() pid
  for route in "${routes[@]}"; do
    load "$route" "$1" >"$(out_file "$route")" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { cat "$tmp"/out-*; echo "wrk failed (above)" >&2; return 1; }
  done
}

# phase LABEL SECONDS: load_all for SECONDS; prints and records one row per route: req/s, p50,
# p99, errors, and the gateway's CPU per request of all routes together.
phase() {
  local route gateway cpu0 cpu1 total=0 rps p50 p99 errors
  gateway=$(container gateway)
  cpu0=$(cpu_ns "$gateway")
  load_all "$2"
  cpu1=$(cpu_ns "$gateway")
  for route in "${routes[@]}"; do
    total=$(( total + $(awk '/requests in/ { print $1 }' "$(out_file "$route")") ))
  done
  local cpu_us=$(( (cpu1 - cpu0) / (total > 0 ? total : 1) / 1000 ))
  for route in "${routes[@]}"; do
    read -r rps p50 p99 errors <<<"$(wrk_summary "$(cat "$(out_file "$route")")")"
    printf '%-24s %-12s %7s %8s %8s %6s %10s\n' "$1" "$route" "$rps" "$p50" "$p99" "$errors" \
      "$cpu_us"
    # Which errors: wrk's own lines (answers that were not 2xx, or sockets that failed).
    [ "$errors" = 0 ] || grep -E '^ *(Non-2xx|Socket errors)' "$(out_file "$route")"
    record challenge-5-published "$route" "req/s, $1" "$rps" req/s
    record challenge-5-published "$route" "latency p99, $1" "$p99" ms
    record challenge-5-published "$route" "errors, $1" "$errors"
  done
  record challenge-5-published gateway "CPU per request, $1" "$cpu_us" us
}

make -s secrets-5 >/dev/null   # the database passwords, as make run-5 makes them
make -s TLS_KEYSTORE_5="$tmp/secrets/gateway.p12" TLS_CERT_5="$tmp/secrets/gateway.crt" \
  "$tmp/secrets/gateway.crt" >/dev/null
started=$(now_ms)
stack up -d --wait --wait-timeout 180 >/dev/null 2>&1 || {
  echo "challenge 5 did not become healthy; the last log lines:"
  stack logs --no-color --tail 20 | sed 's/\x1b\[2K//g'
  exit 1
}
echo "challenge 5 through its published port (https://127.0.0.1, wrk -t1 -c16 per route, all" \
  "routes at once), from the moment every container was healthy ($(( $(now_ms) - started )) ms" \
  "after docker compose up)"
printf '%-24s %-12s %7s %8s %8s %6s %10s\n' "load" route "req/s" "p50 ms" "p99 ms" errors \
  "gateway"
printf '%-24s %-12s %7s %8s %8s %6s %10s\n' "" "" "" "" "" "" "cpu us/req"
phase "first 15 s" 15
load_all 35   # the load goes on, not measured, until 50 s
phase "50 s to 60 s" 10
