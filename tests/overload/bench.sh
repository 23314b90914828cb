#!/usr/bin/env bash
# What each attack of tests/overload costs a legitimate client of challenge 5: wrk asks the
# gateway for GET /users/1 over 4 kept-alive connections, from inside the front network, once
# with no attack and once while each attack runs beside it (tests/overload/Attack.java, in a
# throwaway JDK container on the same network). Rows: req/s and p99 of the client, each attack
# next to the baseline measured in the same run. About two minutes; removes all it started.
# Usage: tests/overload/bench.sh   (needs challenge 5's images and the wrk image)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=$PWD/tests
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/bench/wrk.sh
source tests/bench/wrk.sh
project bench-overload 5

DURATION=${DURATION:-8}
NETWORK=${COMPOSE_PROJECT_NAME}_front
ATTACKER=$COMPOSE_PROJECT_NAME-attack
WRK_IMAGE=$IMAGE_PREFIX/wrk:$VERSION

cleanup() {
  docker rm -f "$ATTACKER" >/dev/null 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT
make -s secrets-5 >/dev/null   # the database passwords, as make run-5 makes them

# client: the legitimate client's "REQ_PER_S P50_MS P99_MS ERRORS" over DURATION seconds.
client() {
  wrk_summary "$(timeout 60 docker run --rm --network "$NETWORK" "$WRK_IMAGE" \
    -t1 -c4 -d"${DURATION}s" --latency http://gateway:8080/users/1)"
}

# under NAME MODE ARGS...: the client's figures while the attack MODE runs (it gets 3 s to
# start and reach full strength first), as rows next to the baseline.
under() {
  local name=$1 rps p50 p99 errors; shift
  docker run -d --name "$ATTACKER" --cpus 1 --network "$NETWORK" \
    -v "$TESTS_DIR/overload:/attack:ro" eclipse-temurin:25-jdk \
    java /attack/Attack.java "$@" >/dev/null
  sleep 3
  read -r rps p50 p99 errors <<<"$(client)"
  timeout 120 docker wait "$ATTACKER" >/dev/null || true
  local got; got=$(docker logs "$ATTACKER" 2>&1 | sed -n 's/^outcome //p')
  docker rm -f "$ATTACKER" >/dev/null
  record overload "client, $name" "req/s (no attack: $BASE_RPS)" "$rps" req/s "$got"
  record overload "client, $name" "p99 (no attack: $BASE_P99 ms)" "$p99" ms "errors $errors"
  echo "  $name: $rps req/s, p99 $p99 ms, $errors errors; the attack got: $got"
}

GATEWAY_PORT=$(free_port) compose up -d --wait >/dev/null 2>&1
read -r BASE_RPS _ BASE_P99 errors <<<"$(client)"   # warms the gateway up too
read -r BASE_RPS _ BASE_P99 errors <<<"$(client)"
record overload "client, no attack" "req/s" "$BASE_RPS" req/s
record overload "client, no attack" "p99" "$BASE_P99" ms "errors $errors"
echo "  no attack: $BASE_RPS req/s, p99 $BASE_P99 ms"
under "1 MiB uploads x200" uploads gateway 8080 /users 200 1048576 $(( DURATION + 4 ))
under "2600 idle connections" idle gateway 8080 2600 $(( DURATION + 4 ))
under "/health flood x32" flood gateway 8080 /health 32 $(( DURATION + 4 ))
under "2 KB methods x40000" methods gateway 8080 40000 2000
