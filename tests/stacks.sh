# Several challenges side by side, for suites that test them all at once (sourced by
# tests/hardening and tests/faults). A suite sets STACKS_NAME (its part of the compose project
# names) and STACKS (its challenges), calls stacks_up in setup and stacks_down in teardown.
# Every challenge runs in its own compose project, with a free port on 127.0.0.1.

unset SERVER_BIND DB_BIND CATALOG_BIND B_BIND GATEWAY_BIND   # the defaults: 127.0.0.1

# The variable each challenge's compose file takes its published port from.
PORT_VAR_1=SERVER_PORT PORT_VAR_2=DB_PORT PORT_VAR_3=CATALOG_PORT PORT_VAR_4=B_PORT
PORT_VAR_5=GATEWAY_PORT

# stacks_up: remembers ID, TMP, SECRET_3 and PORT_N, starts every challenge of STACKS at once
# (the machine starts them while it waits for PostgreSQL's first start), then waits until
# each reaches its dependencies: the catalog waits for them in the background, B and the
# gateway look names up when asked, and a test's first request must not be the one that waits.
stacks_up() {
  local n port used=" " pids=() i=0 failed=""
  remember ID "$$"
  remember TMP "$(mktemp -d)"
  remember SECRET_3 "$TMP/secrets/db-password"
  make -s -C "$ROOT" CATALOG_PASSWORD_FILE="$SECRET_3" "$SECRET_3" >/dev/null
  make -s -C "$ROOT" secrets-5 >/dev/null   # challenge 5's database passwords
  for n in $STACKS; do
    port=$(free_port)
    while [[ $used == *" $port "* ]]; do port=$(free_port); done
    used+="$port "
    remember "PORT_$n" "$port"
  done
  for n in $STACKS; do stack "$n" up -d --wait >"$TMP/up-$n.log" 2>&1 & pids+=($!); done
  # Every start ends before setup does, failed or not: teardown must find all there is.
  for n in $STACKS; do wait "${pids[i++]}" || failed+=" $n"; done
  for n in $failed; do
    echo "challenge $n did not start:"; tail -20 "$TMP/up-$n.log"; stack "$n" logs --tail 20
  done
  [ -z "$failed" ] || return 1
  for n in $STACKS; do
    case $n in
      3) wait_for 30 "the catalog reading PostgreSQL" catalog_reads_postgres ;;
      4) wait_for 30 "service B reaching service A" curl -sf "$(url 4)/ready" ;;
      5) wait_for 30 "the gateway reaching both upstreams" gateway_up ;;
    esac
  done
}

# stacks_down: removes every challenge of STACKS with its volumes, and TMP.
stacks_down() {
  local n
  for n in $STACKS; do stack "$n" down -v --remove-orphans; done
  rm -rf "$TMP"
}

# stack_name N: the compose project of challenge N in this suite.
stack_name() { echo "test-$STACKS_NAME-$1-$ID"; }

# stack N ARGS...: docker compose on challenge N's project, with the ports of all of STACKS.
stack() {
  local n=$1 m env=("CATALOG_PASSWORD_FILE=$SECRET_3"); shift
  for m in $STACKS; do env+=("$(var PORT_VAR "$m")=$(port_of "$m")"); done
  env "${env[@]}" docker compose -f "$ROOT/challenges/$n/compose.yaml" -p "$(stack_name "$n")" "$@"
}

# var NAME N: the value of variable NAME_N (such as PORT_3).
var() { local name="$1_$2"; echo "${!name}"; }
# port_of N: challenge N's port on 127.0.0.1.
port_of() { var PORT "$1"; }
# url N: the base URL of challenge N.
url() { echo "http://127.0.0.1:$(port_of "$1")"; }

# catalog_reads_postgres: challenge 3's catalog answers a read from PostgreSQL (no-cache).
catalog_reads_postgres() { curl -sf -H 'Cache-Control: no-cache' "$(url 3)/products?limit=1"; }
# gateway_up: challenge 5's gateway reports itself up (it reaches both upstreams).
gateway_up() { [ "$(curl -sf "$(url 5)/health" | jq -r .status)" = up ]; }

# snapshot N: challenge N's stored data, read through its list endpoints (challenge 3's from
# PostgreSQL itself: no-cache). A list that cannot be read fails the snapshot and marks the
# test failed (lib.sh's `failed`), wherever it was called: two failed reads must never
# compare equal as "data unchanged".
snapshot() {
  local n=$1 a='' b=''
  case $n in
    1) echo stateless ;;
    3) a=$(list "$(url 3)/products?limit=100" -H 'Cache-Control: no-cache') \
         && jq -ce .data <<<"$a" ;;
    4) a=$(list "$(url 4)/profiles") && jq -ce .profiles <<<"$a" ;;
    5) a=$(list "$(url 5)/users?limit=100") \
         && b=$(list "$(url 5)/products?limit=100" -H 'Cache-Control: no-cache') \
         && jq -ce '[.total, .items]' <<<"$a" && jq -ce '[.total, .items]' <<<"$b" ;;
    *) false ;;
  esac || failed "cannot read the data of challenge $n: ${a:0:150} ${b:0:150}"
}
# list URL [CURL_ARGS...]: the body of a 200 answer; fails on anything else.
list() { curl -sS --fail-with-body --max-time 10 "$@"; }

# down_within_3s N: `docker compose down` of challenge N takes 3 s at most (its services stop
# on SIGTERM at once, PostgreSQL with a fast shutdown; the compose files give them 3 s before
# Docker kills them).
down_within_3s() {
  local start elapsed
  start=$(now_ms)
  stack "$1" down --remove-orphans
  elapsed=$(( $(now_ms) - start ))
  echo "report: challenge $1: docker compose down took $elapsed ms"
  expect_le 3000 "$elapsed" "ms for docker compose down of challenge $1"
}
