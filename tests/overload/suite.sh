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
  docker logs "$1" 2>&1 | grep '^first error' >&2 || true
  [ -n "$line" ] || { echo "$1 printed no outcome:" >&2; docker logs "$1" 2>&1 | tail >&2; }
  docker rm -f "$1" >/dev/null
  [ -n "$line" ] || return 1
  echo "${line#outcome }"
}

# count KEY OUTCOME: how many of OUTCOME's answers were KEY (0 when none).
count() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { n = $2 } END { print n + 0 }'; }
# total OUTCOME: how many answers in all.
total() { tr ' ' '\n' <<<"$1" | awk -F= '{ n += $2 } END { print n + 0 }'; }

# attack N MODE ARGS...: runs one attack on challenge N while the well-behaved client asks
# beside it (from its first answer until the attack ends), then checks everything the suite
# promises. Sets GOT (the attack's outcome) and prints report: lines.
attack() {
  local n=$1 mode=$2 good; shift 2
  run_attack "$n" "good-$n-$ID" legit "$(var GOOD "$n")" 300
  wait_for 60 "the well-behaved client's first answer" good_ready "good-$n-$ID"
  run_attack "$n" "attack-$n-$ID" "$mode" "$@"
  GOT=$(outcome "attack-$n-$ID")
  # At once, while a replica the attack had set aside would still be (EJECT_SECONDS, 10 s).
  [ "$n" != 5 ] || ASIDE=$(set_aside)
  docker stop -t 10 "good-$n-$ID" >/dev/null
  good=$(outcome "good-$n-$ID")
  echo "report: challenge $n, $mode $*: $GOT"
  echo "report: challenge $n, well-behaved client beside it: $good"
  survived "$n"
  well_served "$good"
}

# good_ready NAME: the well-behaved client NAME has had its first answer.
good_ready() { docker logs "$1" 2>&1 | grep -qx ready; }

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
  local n=$1 c name restarts peak limit log
  for c in $(stack "$n" ps -q); do
    name=$(docker inspect -f '{{.Name}}' "$c")
    restarts=$(docker inspect -f '{{.RestartCount}} {{.State.Status}}' "$c")
    expect_eq "0 running" "$restarts" "restarts and state of $name"
    log=$(docker logs "$c" 2>&1)
    [[ $log != *OutOfMemoryError* ]] || fail "$name ran out of memory"
    if [[ $log == *'"msg":"listening"'* ]]; then
      peak=$(peak_mb "$c") limit=$(docker inspect -f '{{.HostConfig.Memory}}' "$c")
      echo "report: $name peak memory ${peak} MB of $(( limit >> 20 )) MB"
      expect_le $(( (limit >> 20) * 9 / 10 )) "$peak" "peak MB of $name (90% of its limit)"
    fi
  done
  valid_metrics "$(url "$n")/metrics"
  expect_eq "$(var DATA "$n")" "$(snapshot "$n")" "challenge $n's data"
  [ "$n" != 5 ] || expect_eq 0 "$ASIDE" "replicas set aside right after the attack"
}

# set_aside: how many replicas challenge 5's gateway has set aside now.
set_aside() {
  curl -sS --max-time 5 "$(url 5)/health" \
    | jq '[.upstreams[].replicas[]? | select(.set_aside)] | length'
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

# series N TEXT: how many request series (http_requests_total) on challenge N's /metrics
# contain TEXT.
series() {
  curl -sS --max-time 5 "$(url "$1")/metrics" | grep '^http_requests_total{' \
    | grep -cF "$2" || true
}
# mentions N TEXT: how many lines of challenge N's /metrics contain TEXT anywhere.
mentions() { curl -sS --max-time 5 "$(url "$1")/metrics" | grep -cF "$2" || true; }

test_distinct_huge_methods_are_cut_off_and_unknown_ones_refused() {
  local n
  for n in $STACKS; do
    # 300 KB each: past the head limit, the JDK's server closes the connection unread.
    attack "$n" methods 250 300000
    expect_eq "closed=250" "$GOT" "answers to 250 methods of 300 KB"
    # 2 KB each fit the head: each is refused with the kit's 501, and counted as "other".
    attack "$n" methods 300 2000
    expect_eq "501=300" "$GOT" "answers to 300 methods of 2 KB"
    # One series for all of them (method "other", status 501), and no method as a label.
    expect_eq 1 "$(series "$n" 'method="other",status="501"')" "series of the 501s on $n"
    expect_eq 0 "$(mentions "$n" ABCDEFGHIJKLMNOP)" "lines naming a method on $n"
  done
}

test_distinct_long_paths_add_no_metric_series() {
  local n
  for n in $STACKS; do
    attack "$n" paths 500 8000
    expect_eq "404=500" "$GOT" "answers to 500 paths of 8 KB"
    expect_eq 1 "$(series "$n" 'status="404"')" "series of the 404s on $n"
    expect_eq 0 "$(mentions "$n" abcdefghijklmnop)" "lines naming a path on $n"
  done
}

test_slow_uploads_are_shed_not_held() {
  # 200 uploads of 1 MiB at once that never finish: three times the heap of the service
  # that would hold them (64 MiB). The body budget (a quarter of the heap) takes 16 of them;
  # the rest are refused at once with 503, and those held are cut off after 10 s.
  local shed
  shed=$(inside 5 back users-service "$(shed_series body_buffer)")
  attack 5 uploads /users 200 1048576 12
  # Through the gateway, which streams each body as it comes: users-service refuses what is
  # past its budget, and the client gets that 503, or from the gateway a 408 (its body never
  # ended) or a 502 (the upstream closed before the body was sent whole); none is stored.
  expect_eq 200 "$(total "$GOT")" "answers"
  expect_eq 200 "$(( $(count 408 "$GOT") + $(count 502 "$GOT") + $(count 503 "$GOT")
    + $(count closed "$GOT") ))" "408, 502, 503 or closed"
  shed=$(( $(inside 5 back users-service "$(shed_series body_buffer)") - shed ))
  echo "report: users-service shed $shed uploads with 503"
  expect_ge 1 "$shed" "uploads users-service shed"
  attack 3 uploads /products 200 1048576 12
  expect_ge 150 "$(count 503 "$GOT")" "uploads shed with 503"
  expect_eq 200 "$(total "$GOT")" "answers"
  # Service B and the server read no bodies: a POST is refused before its body is read.
  attack 4 uploads /profiles 200 1048576 2
  expect_eq "405=200" "$GOT" "answers from service B"
}

test_idle_connections_cost_little_and_past_the_limit_are_closed() {
  local n
  for n in 1 5; do
    # More than MAX_CONNECTIONS (2000): the last are closed as they are accepted (and any
    # silent for 10 s), while the well-behaved client keeps its one connection and is served
    # throughout.
    attack "$n" idle 2600 8
    expect_eq 2600 "$(( $(count open "$GOT") + $(count closed "$GOT") ))" "connections opened"
    expect_le 2000 "$(count open "$GOT")" "idle connections held"
    expect_ge 600 "$(count closed "$GOT")" "connections closed"
  done
}

test_health_floods_probe_upstreams_once_a_second() {
  local before after start seconds
  before=$(ready_probes) start=$(now_ms)
  attack 5 flood /health 32 6
  after=$(ready_probes) seconds=$(( ($(now_ms) - start) / 1000 + 1 ))
  expect_ge 50 "$(count 200 "$GOT")" "answers to the flood"
  echo "report: /ready probes of the 2 replicas in $seconds s of /health flood: $(( after - before ))"
  # The gateway probes each replica at most once a second, however often /health is asked.
  expect_le $(( 2 * seconds )) $(( after - before )) "/ready probes"
}

test_overview_flood_is_served_without_harm() {
  attack 5 flood /api/overview 16 6
  expect_ge 20 "$(count 200 "$GOT")" "overviews answered"
}

test_client_provoked_5xx_sets_no_replica_aside() {
  local status
  for status in 500 502 503; do
    attack 5 get "/debug/echo?status=$status" 100 8
    expect_eq "$status=100" "$GOT" "answers $status passed through"
  done
}

# shed_series REASON: the series of requests shed for REASON (in_flight or body_buffer).
shed_series() { echo "http_requests_shed_total{reason=\"$1\"}"; }

# inside N NETWORK SERVICE SERIES: the value of SERIES on SERVICE's /metrics, read from a
# throwaway busybox on challenge N's NETWORK (the service publishes no port).
inside() {
  docker run --rm --network "$(stack_name "$1")_$2" busybox:1.37 \
    wget -q -T 5 -O - "http://$3:8080/metrics" | awk -v s="$4" '$1 == s { v = $2 } END { print v + 0 }'
}

# ready_probes: the /ready requests users-service and products-service have logged.
ready_probes() {
  local c n=0
  for c in $(stack 5 ps -q users-service products-service); do
    n=$(( n + $(docker logs "$c" 2>&1 | grep -c '"path":"/ready"' || true) ))
  done
  echo "$n"
}
