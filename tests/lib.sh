# Helpers for test suites (sourced by tests/run). Every expectation prints what was expected
# and what came back, and returns non-zero so the test stops there.
#
# A failed expectation also leaves a mark (FAILED_MARK, set by tests/run) that fails the test
# whatever happens next: under `if`, `||`, `&&` or `!`, and inside `$(...)`, bash ignores
# `set -e` and a return status is easily lost, but the mark stays. So an expectation is never
# a question to ask: use `[ ... ]` or `[[ ... ]]` where a branch depends on a value.

ROOT=$(cd "$TESTS_DIR/.." && pwd)
export IMAGE_PREFIX=${IMAGE_PREFIX:-desafios} VERSION=${VERSION:-0.1.0}
# What "within a second" means for challenge 5's services measured from here: each answers
# within a second (a 700 ms deadline on PostgreSQL, 250 ms on Redis), and the way through the
# gateway and Docker's published port gets half a second more on a busy machine.
THROUGH_THE_GATEWAY_WITHIN_A_SECOND_MS=1500

# failed MESSAGE...: prints MESSAGE (on standard error, so that `$(...)` does not swallow it),
# marks the test failed and returns 1.
failed() {
  printf '%s\n' "$@" >&2
  if [ -n "${FAILED_MARK:-}" ]; then printf '%s\n' "$@" >>"$FAILED_MARK"; fi
  return 1
}

# expect_eq EXPECTED ACTUAL [WHAT]
expect_eq() {
  [ "$1" = "$2" ] && return 0
  failed "expected ${3:-value}: $1" "     but got: $2"
}

# expect_match REGEX ACTUAL [WHAT]  (extended regular expression)
expect_match() {
  [[ $2 =~ $1 ]] && return 0
  failed "expected ${3:-value} to match: $1" "     but got: $2"
}

# is_number TEXT: TEXT is a decimal number (a sign, digits, a fraction), nothing else.
is_number() { [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }

# expect_le LIMIT ACTUAL [WHAT]  (numbers; either may have decimals; anything else fails)
expect_le() {
  is_number "$1" || failed "expect_le: the limit for ${3:-value} is not a number: '$1'" || return
  is_number "$2" || failed "expected ${3:-value} <= $1" "     but got no number: '$2'" || return
  awk -v a="$2" -v l="$1" 'BEGIN { exit !(a <= l) }' && return 0
  failed "expected ${3:-value} <= $1" "     but got: $2"
}

# expect_ge LIMIT ACTUAL [WHAT]  (numbers, as expect_le)
expect_ge() {
  is_number "$1" || failed "expect_ge: the limit for ${3:-value} is not a number: '$1'" || return
  is_number "$2" || failed "expected ${3:-value} >= $1" "     but got no number: '$2'" || return
  awk -v a="$2" -v l="$1" 'BEGIN { exit !(a >= l) }' && return 0
  failed "expected ${3:-value} >= $1" "     but got: $2"
}

fail() { failed "$*"; }

# skip REASON: ends the test here as skipped (not passed), saying why. Call it from the test
# itself, not inside `$(...)` or a pipeline.
skip() {
  printf '%s\n' "$*" >"${SKIP_MARK:?skip runs only under tests/run}"
  exit 0
}

# remember NAME VALUE: in setup, passes a value (a port, a path) on to every test and teardown.
remember() {
  printf '%s=%q\n' "$1" "$2" >>"$SUITE_ENV"
  printf -v "$1" '%s' "$2"
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s%N) + limit * 1000000000 ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s%N)" -gt "$deadline" ]; then
      echo "timed out after ${limit}s waiting for: $what"; return 1
    fi
    sleep 0.2
  done
}

# bounded SECONDS COMMAND...: runs COMMAND, which must end by itself within SECONDS (such as a
# service that must refuse to start). Sets OUT (its standard output and error) and RC (its
# exit status). Still running after SECONDS, it is killed and the test fails, saying so.
bounded() {
  local limit=$1; shift
  RC=0
  OUT=$(timeout -k 5 "$limit" "$@" 2>&1) || RC=$?
  case $RC in
    124|137) failed "still running after ${limit}s, killed (it must end by itself): $*" ;;
  esac
}

# docker_run_bounded SECONDS DOCKER_RUN_ARGS...: `docker run --rm` of a container that must
# end by itself within SECONDS, as `bounded`; one still running then is removed.
docker_run_bounded() {
  local limit=$1 name; shift
  name="test-run-${TEST_RUN_ID:-$$}-$RANDOM$RANDOM"
  bounded "$limit" docker run --rm --name "$name" --label "test.run=${TEST_RUN_ID:-$$}" "$@" \
    || { docker rm -f "$name" >/dev/null 2>&1; return 1; }
}

# freeze CONTAINER...: `docker pause`, tried up to 3 times per container: on a loaded machine
# the kernel's freezer may give up on a task that does not stop in time ("unable to freeze").
freeze() {
  local c try
  for c in "$@"; do
    for try in 1 2 3; do
      docker pause "$c" >/dev/null && continue 2
      [ "$(docker inspect -f '{{.State.Paused}}' "$c")" = true ] && continue 2
      sleep 0.5
    done
    failed "could not pause container $c"; return 1
  done
}

# now_ms: milliseconds since the epoch, for measuring how long something took.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# free_port [TAKEN...]: a TCP port on 127.0.0.1 that nothing listens on and that is none of
# TAKEN (ports a test chose but has not bound yet).
free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    [[ " $* " == *" $port "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# http METHOD URL [CURL_ARGS...]: sets STATUS, BODY and HEADERS (raw, lower-cased names).
http() {
  local method=$1 url=$2; shift 2
  local out; out=$(mktemp)
  STATUS=$(curl -sS -o "$out" -D "$out.h" -w '%{http_code}' --max-time "${HTTP_TIMEOUT:-10}" \
           -X "$method" "$@" "$url") || STATUS=000
  BODY=$(cat "$out"); HEADERS=$(tr -d '\r' <"$out.h" 2>/dev/null | sed 's/^\([^:]*\):/\L\1:/')
  rm -f "$out" "$out.h"
}

# header NAME: the value of response header NAME from the last `http` call.
header() { grep -i "^$1:" <<<"$HEADERS" | head -1 | cut -d: -f2- | sed 's/^ *//'; }

# json FILTER: applies a jq filter to the last response body.
json() { jq -r "$1" <<<"$BODY"; }

# expect_problem STATUS: the last response is STATUS with one problem+json body and request id.
# Each check returns at once, so that only the first failure is reported, however it is called.
expect_problem() {
  expect_eq "$1" "$STATUS" "status" || { echo "body: $BODY" >&2; return 1; }
  expect_match '^application/problem\+json' "$(header content-type)" "content-type" || return
  jq -en input <<<"$BODY" >/dev/null 2>&1 || failed "expected a JSON body, got: ${BODY:0:200}" || return
  expect_eq "$1" "$(json .status)" "problem status" || return
  expect_match '^/problems/' "$(json .type)" "problem type" || return
  expect_match '.+' "$(json '.detail | strings')" "problem detail" || return
  expect_match '.+' "$(header x-request-id)" "X-Request-Id" || return
  expect_eq "$(header x-request-id)" "$(json .request_id)" "problem request_id"
}

# Compose, for a suite: `project NAME N` picks a unique project for challenge N.
project() {
  export COMPOSE_PROJECT_NAME="test-$1-${TEST_RUN_ID:-$$}"
  COMPOSE_FILE_PATH="$ROOT/challenges/$2/compose.yaml"
}
compose() { docker compose -f "$COMPOSE_FILE_PATH" -p "$COMPOSE_PROJECT_NAME" "$@"; }

# container SERVICE [INDEX]: the container id of a compose service.
container() { compose ps -q "$1" | sed -n "${2:-1}p"; }

# logs SERVICE: that service's log, raw (compose logs adds terminal escapes to every line).
logs() { docker logs "$(container "$1")" 2>&1; }

# rss_mb CONTAINER: the resident memory of the container's main process (PID 1), in MB.
rss_mb() {
  local pid; pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"
}

# cpu_ns CONTAINER: CPU time used by the container's main process and every process it started,
# in ns (0 when /proc does not show them: Docker in a VM). Not the container's cgroup: that
# counts the healthchecks Docker runs beside them too (a JVM every 2 s for the Java services),
# which would read as a cost of each request.
cpu_ns() {
  local pid ticks=0 p; pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  [ -r "/proc/$pid/stat" ] || { echo 0; return; }
  local level=("$pid") all=()
  while [ ${#level[@]} -gt 0 ]; do
    all+=("${level[@]}")
    # shellcheck disable=SC2207 # process ids, one word each
    level=($(for p in "${level[@]}"; do ps -o pid= --ppid "$p" || true; done))
  done
  for p in "${all[@]}"; do
    # Its own and its ended children's user and system time: fields 14 to 17 of its stat,
    # counted after the command's name in brackets.
    ticks=$(( ticks + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null \
      | awk '{ print $12 + $13 + $14 + $15 }' || echo 0) ))
  done
  echo $(( ticks * 1000000000 / $(getconf CLK_TCK) ))
}

# record SECTION SUBJECT METRIC VALUE [UNIT]: a row of `make bench`'s results table when a
# bench runs under tests/bench/run (which defines `row`); nothing when run on its own.
record() { if declare -F row >/dev/null; then row "$@"; fi; }
