#!/usr/bin/env bash
# Challenge 3's bench: what the cache buys. One hot key (product 1) read for a fixed time by
# wrk from inside the project's own network, first through the cache (hits), then with
# `Cache-Control: no-cache` (every read a PostgreSQL query). Reports req/s, p50 and p99 of
# each, their ratio, and the PostgreSQL queries per second the catalog counted.
# Run by `make bench` (tests/bench/run), or alone: bash tests/3/bench.sh [SECONDS]
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=${TESTS_DIR:-$PWD/tests}
source tests/lib.sh
# shellcheck source=tests/bench/wrk.sh
source tests/bench/wrk.sh

seconds=${1:-${BENCH_SECONDS:-10}}
case $seconds in ''|*[!0-9]*) echo "SECONDS must be a whole number, got '$seconds'"; exit 2;; esac
[ "$seconds" -le 120 ] || { echo "at most 120 s per run"; exit 2; }
wrk_image=$IMAGE_PREFIX/wrk:$VERSION
docker image inspect "$wrk_image" >/dev/null 2>&1 \
  || { echo "no $wrk_image: run 'make build/stamps/wrk.image' first"; exit 2; }

# row: the bench harness' table (tests/bench/run exports it); alone, a plain line.
declare -F row >/dev/null || row() { printf '  %-12s %-18s %-34s %10s %s\n' "$@"; }

project bench-catalog 3
secret_dir=$(mktemp -d)
export CATALOG_PASSWORD_FILE=$secret_dir/db-password CATALOG_PORT
CATALOG_PORT=$(free_port)
export CACHE_TTL_SECONDS=3600   # no expiry during the runs
trap 'compose down -v --remove-orphans >/dev/null 2>&1; rm -rf "$secret_dir"' EXIT
make -s -C "$ROOT" CATALOG_PASSWORD_FILE="$CATALOG_PASSWORD_FILE" "$CATALOG_PASSWORD_FILE" >/dev/null
compose up -d --wait >/dev/null 2>&1
url=http://127.0.0.1:$CATALOG_PORT
wait_for 30 "catalog ready" curl -sf "$url/ready"

queries() { curl -s "$url/metrics" | awk '$1 == "catalog_db_queries_total" { print $2 }'; }

# load NAME [WRK_ARGS...]: one wrk run against product 1 (2 threads, 32 connections); sets
# RPS, P50, P99 and QPS.
load() {
  local name=$1; shift
  local wrk=(docker run --rm --network "${COMPOSE_PROJECT_NAME}_edge" --read-only
    --cap-drop ALL --security-opt no-new-privileges:true --cpus 1 --memory 64m "$wrk_image")
  "${wrk[@]}" -t1 -c8 -d2s "$@" http://catalog:8080/products/1 >/dev/null   # warm-up
  local before; before=$(queries)
  local out; out=$("${wrk[@]}" -t2 -c32 -d"${seconds}s" --latency "$@" \
    http://catalog:8080/products/1)
  local after; after=$(queries)
  local errors; read -r RPS P50 P99 errors <<<"$(wrk_summary "$out")"
  QPS=$(awk -v d=$((after - before)) -v s="$seconds" 'BEGIN { printf "%.0f", d / s }')
  row challenge-3 "$name" "requests per second" "$RPS" req/s
  row challenge-3 "$name" "latency p50" "$P50" ms
  row challenge-3 "$name" "latency p99" "$P99" ms
  row challenge-3 "$name" "PostgreSQL queries per second" "$QPS" q/s
  # Under overload the bounded pool answers 503 rather than queue: counted, not hidden.
  row challenge-3 "$name" "failed requests (not 2xx, or socket errors)" "$errors" ""
}

load "cached (hits)"
cached_rps=$RPS cached_p50=$P50 cached_p99=$P99
load "uncached" -H 'Cache-Control: no-cache'
row challenge-3 "cached/uncached" "req/s ratio" \
  "$(awk -v a="$cached_rps" -v b="$RPS" 'BEGIN { printf "%.2f", a / b }')" x
row challenge-3 "uncached/cached" "p50 ratio" \
  "$(awk -v a="$P50" -v b="$cached_p50" 'BEGIN { printf "%.2f", a / b }')" x
row challenge-3 "uncached/cached" "p99 ratio" \
  "$(awk -v a="$P99" -v b="$cached_p99" 'BEGIN { printf "%.2f", a / b }')" x
