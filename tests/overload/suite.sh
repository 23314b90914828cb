# Many bad requests at once, against the published services of challenges 1, 3, 4 and 5: what
# each request alone cannot show. Every attack runs from a throwaway JDK container on the
# challenge's own network (tests/overload/Attack.java), bounded in count and time, while a
# well-behaved client (the same program, another container) asks one thing at a time.
# Afterwards: no container restarted or ran out of memory, each Java service's peak memory
# stayed under its limit, /metrics is still valid Prometheus text (promtool), no stored row
# or user is lost, no replica is set aside, and the well-behaved client got at least 95% of
# its answers 2xx. Each test prints what the attack achieved as report: lines.

# shellcheck source=tests/stacks.sh
source "$TESTS_DIR/stacks.sh"
STACKS_NAME=overload STACKS="1 3 4 5"

# The network an attacker joins, and the service it aims at, per challenge.
NET_1=hello-net NET_3=edge NET_4=front-net NET_5=front
TARGET_1=server TARGET_3=catalog TARGET_4=service-b TARGET_5=gateway
# What the well-behaved client asks for, per challenge.
GOOD_1=/ GOOD_3=/products/1 GOOD_4=/profiles/1 GOOD_5=/users/1
JDK_IMAGE=eclipse-temurin:25-jdk
PROMTOOL_IMAGE=prom/prometheus:v2.53.3

setup() {
  stacks_up
  local n
  for n in $STACKS; do remember "DATA_$n" "$(snapshot "$n")"; done
}

teardown() {
  docker ps -aq --filter "label=overload-suite=$ID" | xargs -r docker rm -f >/dev/null
  stacks_down
}

# run_attack N NAME MODE ARGS...: Attack.java in a container named NAME on challenge N's
# network, aimed at its service; started detached (the caller waits with `outcome NAME`).
run_attack() {
  local n=$1 name=$2 mode=$3; shift 3
  docker run -d --name "$name" --label "overload-suite=$ID" --cpus 1 --memory 768m \
    --network "$(stack_name "$n")_$(var NET "$n")" -v "$TESTS_DIR/overload:/attack:ro" \
    "$JDK_IMAGE" java /attack/Attack.java "$mode" "$(var TARGET "$n")" 8080 "$@" >/dev/null
}

# outcome NAME: waits (at most 3 minutes) for container NAME and prints its outcome counts as
# "key=value ..." (key a status code, closed, refused, timeout or open).
outcome() {
  timeout 180 docker wait "$1" >/dev/null \
    || { docker rm -f "$1" >/dev/null; echo "$1 ran over" >&2; return 1; }
  local line; line=$(docker logs "$1" 2>&1 | grep '^outcome' || true)
  [ -n "$line" ] || { echo "$1 printed no outcome:" >&2; docker logs "$1" 2>&1 | tail >&2; }
  docker rm -f "$1" >/dev/null
  [ -n "$line" ] || return 1
  echo "${line#outcome }"
}

# count KEY OUTCOME: how many of OUTCOME's answers were KEY (0 when none).
count() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { n = $2 } END { print n + 0 }'; }
# total OUTCOME: how many answers in all.
total() { tr ' ' '\n' <<<"$1" | awk -F= '{ n += $2 } END { print n + 0 }'; }

# attack N SECONDS MODE ARGS...: runs one attack on challenge N with the well-behaved client
# beside it for SECONDS, then checks everything the suite promises. Sets GOT (the attack's
# outcome) and prints report: lines.
attack() {
  local n=$1 seconds=$2 mode=$3 good; shift 3
  run_attack "$n" "good-$n-$ID" legit "$(var GOOD "$n")" "$seconds"
  run_attack "$n" "attack-$n-$ID" "$mode" "$@"
  GOT=$(outcome "attack-$n-$ID")
  good=$(outcome "good-$n-$ID")
  echo "report: challenge $n, $mode $*: $GOT"
  echo "report: challenge $n, well-behaved client beside it: $good"
  survived "$n"
  well_served "$good"
}

# well_served OUTCOME: the well-behaved client asked at least 20 times, 95% answered 2xx.
well_served() {
  local all ok
  all=$(total "$1")
  ok=$(tr ' ' '\n' <<<"$1" | awk -F= '$1 ~ /^2[0-9][0-9]$/ { n += $2 } END { print n + 0 }')
  [ "$all" -ge 20 ] || fail "the well-behaved client asked only $all times: $1"
  [ $(( ok * 100 )) -ge $(( all * 95 )) ] || fail "only $ok of $all good requests got a 2xx: $1"
}

# survived N: challenge N as before the attacks: every container running, none restarted, no
# OutOfMemoryError logged, each Java service's peak memory under its limit, its published
# /metrics valid, its data unchanged, and (challenge 5) no replica set aside.
survived() {
  local n=$1 c name restarts peak limit
  for c in $(stack "$n" ps -q); do
    name=$(docker inspect -f '{{.Name}}' "$c")
    restarts=$(docker inspect -f '{{.RestartCount}} {{.State.Status}}' "$c")
    expect_eq "0 running" "$restarts" "restarts and state of $name"
    ! docker logs "$c" 2>&1 | grep -q OutOfMemoryError || fail "$name ran out of memory"
    if docker logs "$c" 2>&1 | grep -q '"msg":"listening"'; then
      peak=$(peak_mb "$c") limit=$(docker inspect -f '{{.HostConfig.Memory}}' "$c")
      echo "report: $name peak memory ${peak} MB of $(( limit >> 20 )) MB"
      expect_le $(( (limit >> 20) * 9 / 10 )) "$peak" "peak MB of $name (90% of its limit)"
    fi
  done
  valid_metrics "$(url "$n")/metrics"
  expect_eq "$(var DATA "$n")" "$(snapshot "$n")" "challenge $n's data"
  if [ "$n" = 5 ]; then
    expect_eq 0 "$(curl -sS --max-time 5 "$(url 5)/health" \
      | jq '[.upstreams[].replicas[]? | select(.set_aside)] | length')" "replicas set aside"
  fi
}

# peak_mb CONTAINER: the highest resident memory its main process has had, in MB.
peak_mb() {
  local pid; pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status"
}

# valid_metrics URL: the page is Prometheus text that promtool accepts.
valid_metrics() {
  local page
  page=$(curl -sS --fail --max-time 5 "$1") || fail "no metrics from $1"
  printf '%s\n' "$page" | docker run --rm -i --entrypoint promtool "$PROMTOOL_IMAGE" \
    check metrics || fail "promtool refused $1"
}

# series URL: how many request series (http_requests_total) the page at URL has.
series() { curl -sS --max-time 5 "$1" | grep -c '^http_requests_total{' || true; }

test_distinct_huge_methods_are_cut_off_and_unknown_ones_refused() {
  local n before
  for n in $STACKS; do
    before=$(series "$(url "$n")/metrics")
    # 300 KB each: past the head limit, the JDK's server closes the connection unread.
    attack "$n" 6 methods 250 300000
    expect_eq "closed=250" "$GOT" "answers to 250 methods of 300 KB"
    # 2 KB each fit the head: each is refused with the kit's 501, and counted as "other".
    attack "$n" 6 methods 300 2000
    expect_eq "501=300" "$GOT" "answers to 300 methods of 2 KB"
    expect_le $(( before + 2 )) "$(series "$(url "$n")/metrics")" "request series on $n"
  done
}

test_distinct_long_paths_add_no_metric_series() {
  local n before
  for n in $STACKS; do
    before=$(series "$(url "$n")/metrics")
    attack "$n" 6 paths 500 8000
    expect_eq 500 "$(( $(count 404 "$GOT") + $(count 400 "$GOT") ))" "404 or 400 answers"
    expect_le $(( before + 2 )) "$(series "$(url "$n")/metrics")" "request series on $n"
  done
}

test_slow_uploads_are_shed_not_held() {
  # 200 uploads of 1 MiB at once that never finish: three times the heap of the service
  # that would hold them (64 MiB). The body budget (a quarter of the heap) takes 16 of them;
  # the rest are refused at once with 503, and those held are cut off after 10 s.
  attack 5 20 uploads /users 200 1048576 12
  expect_le 200 "$(total "$GOT")" "answers"
  expect_le 1 "$(count 503 "$GOT")" "uploads shed with 503"
  attack 3 20 uploads /products 200 1048576 12
  expect_le 1 "$(count 503 "$GOT")" "uploads shed with 503"
  # Service B and the server read no bodies: a POST is refused before its body is read.
  attack 4 8 uploads /profiles 200 1048576 2
  expect_eq "405=200" "$GOT" "answers from service B"
}

test_idle_connections_cost_little_and_past_the_limit_are_closed() {
  local n
  for n in 1 5; do
    # More than MAX_CONNECTIONS (2000): the last are closed as they are accepted, while the
    # well-behaved client keeps its one connection and is served throughout.
    attack "$n" 12 idle 2600 8
    expect_le 1900 "$(count open "$GOT")" "idle connections held"
    expect_le 500 "$(count closed "$GOT")" "connections closed past the limit"
  done
}

test_health_floods_probe_upstreams_once_a_second() {
  local before after start seconds
  before=$(ready_probes) start=$(now_ms)
  attack 5 8 flood /health 32 6
  after=$(ready_probes) seconds=$(( ($(now_ms) - start) / 1000 + 1 ))
  expect_le 500 "$(count 200 "$GOT")" "answers to the flood"
  echo "report: /ready probes of the 2 replicas in $seconds s of /health flood: $(( after - before ))"
  # The gateway probes each replica at most once a second, however often /health is asked.
  expect_le $(( 2 * seconds )) $(( after - before )) "/ready probes"
}

test_overview_flood_is_served_without_harm() {
  attack 5 8 flood /api/overview 16 6
  expect_le 100 "$(count 200 "$GOT")" "overviews answered"
}

test_client_provoked_5xx_sets_no_replica_aside() {
  local status
  for status in 500 502 503; do
    attack 5 6 flood "/debug/echo?status=$status" 8 3
    expect_le 50 "$(count "$status" "$GOT")" "answers $status passed through"
  done
}

# ready_probes: the /ready requests users-service and products-service have logged.
ready_probes() {
  local c n=0
  for c in $(stack 5 ps -q users-service products-service); do
    n=$(( n + $(docker logs "$c" 2>&1 | grep -c '"path":"/ready"' || true) ))
  done
  echo "$n"
}
