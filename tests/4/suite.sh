# Challenge 4: service B composes profiles from the users of service A, which only B reaches.
# B answers with the right problem, and quickly, when A is stopped, paused (a black hole) or
# restarted, opens and closes its circuit breaker, and spreads its calls over A's replicas.
# The tests share one project and run in order: the fault tests leave A as the next expects.

project profiles 4

setup() {
  remember PORT "$(free_port)"
  remember URL "http://127.0.0.1:$PORT"
  B_PORT=$PORT compose up -d --wait
  remember B_STARTED "$(started_at service-b)"
}

teardown() {
  compose unpause service-a 2>/dev/null || true # a failed test may have left A paused
  compose down -v --remove-orphans
}

started_at() { docker inspect -f '{{.State.StartedAt}}' "$(container "$1" "${2:-1}")"; }
hostname_of() { docker inspect -f '{{.Config.Hostname}}' "$1"; }
networks_of() {
  docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}' \
    "$(container "$1")" | xargs
}
# days_since DATE: whole days from DATE to today, both in UTC, as B counts them.
days_since() { echo $(( ( $(date -u +%s) - $(date -u -d "$1" +%s) ) / 86400 )); }
# metric NAME: the value of one unlabelled series on B's /metrics.
metric() { curl -sS "$URL/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
# timed_get PATH: GET on B, like `http`; ELAPSED is how long curl took, in ms. The clock
# brackets curl alone so a busy machine adds as little as possible to what is measured.
timed_get() {
  local out start; out=$(mktemp)
  start=$(now_ms)
  STATUS=$(curl -sS -o "$out" -D "$out.h" -w '%{http_code}' --max-time 10 "$URL$1") || STATUS=000
  ELAPSED=$(( $(now_ms) - start ))
  BODY=$(cat "$out"); HEADERS=$(tr -d '\r' <"$out.h" | sed 's/^\([^:]*\):/\L\1:/')
  rm -f "$out" "$out.h"
}
answers() { http GET "$URL$2"; [ "$STATUS" = "$1" ]; }
# logged SERVICE ID: the lines of SERVICE's log about the request with that id.
logged() { logs "$1" | grep -F "\"request_id\":\"$2\""; }
access_line() {
  logged "$1" "$2" | jq -r 'select(.msg == "request") | "\(.method) \(.path) \(.status)"'
}
# busybox NETWORK URL: fetches URL from a throwaway container on NETWORK of this project.
busybox() {
  docker run --rm --network "${COMPOSE_PROJECT_NAME}_$1" busybox:1.37 wget -T 1 -qO- "$2"
}

test_profile_composes_a_user_of_a() {
  http GET "$URL/profiles/1"
  expect_eq 200 "$STATUS"
  expect_eq "Ada Lovelace active since 2021-03-14" "$(json .summary)" "summary"
  expect_eq "$(days_since 2021-03-14)" "$(json .days_active)" "days_active"
  expect_eq "1|Ada Lovelace|active|2021-03-14" \
    "$(json '"\(.id)|\(.name)|\(.status)|\(.signed_up)"')" "user fields"
  expect_eq "$(hostname_of "$(container service-b)")" "$(json .served_by.b)" "served_by.b"
  expect_eq "$(hostname_of "$(container service-a)")" "$(json .served_by.a)" "served_by.a"
  http GET "$URL/profiles/2"
  expect_eq 200 "$STATUS"
  expect_eq "Alan Turing suspended, signed up 2019-06-23" "$(json .summary)" "summary"
  expect_eq null "$(json .days_active)" "days_active of a suspended user"
}

test_profiles_list_composes_every_user() {
  http GET "$URL/profiles"
  expect_eq 200 "$STATUS"
  expect_eq 6 "$(json .count)" "count"
  expect_eq 1,2,3,4,5,6 "$(json '[.profiles[].id] | join(",")')" "ids in order"
  expect_eq "Leslie Lamport active since 2024-02-07" "$(json '.profiles[5].summary')" "summary"
  expect_eq "$(days_since 2024-02-07)" "$(json '.profiles[5].days_active')" "days_active"
  expect_eq "$(hostname_of "$(container service-a)")" "$(json .served_by.a)" "served_by.a"
  http GET "$URL/profiles?status=suspended"
  expect_eq 200 "$STATUS"
  expect_eq "2:Alan Turing,5:Barbara Liskov" \
    "$(json '[.profiles[] | "\(.id):\(.name)"] | join(",")')" "suspended users"
}

test_unknown_user_is_a_404_problem() {
  http GET "$URL/profiles/999"
  expect_problem 404
  expect_eq /problems/not-found "$(json .type)" "type"
  expect_eq "no user with id 999" "$(json .detail)" "detail"
}

test_bad_inputs_get_4xx_problems() {
  for path in /profiles/abc /profiles/0 /profiles/-3 /profiles/1.5 /profiles/99999999999999999999 \
      /profiles/%ZZ '/profiles?status=deleted' '/profiles?status=%FF'; do
    http GET "$URL$path"
    expect_problem 400 || fail "for GET $path"
  done
  http GET "$URL/nowhere"
  expect_problem 404
  http DELETE "$URL/profiles/1"
  expect_problem 405
  expect_eq "GET, HEAD" "$(header allow)" "Allow"
  http POST "$URL/profiles" -H 'Content-Type: application/json' --data '{}'
  expect_problem 405
}

test_ready_reports_a_reachable() {
  http GET "$URL/ready"
  expect_eq 200 "$STATUS"
  expect_eq up "$(json '.checks["service-a"]')" "service-a check"
}

test_a_is_not_reachable_from_the_host() {
  expect_eq "" "$(docker port "$(container service-a)")" "ports A publishes"
  expect_eq "8080/tcp -> 127.0.0.1:$PORT" "$(docker port "$(container service-b)")" "B's port"
  users_net=${COMPOSE_PROJECT_NAME}_users-net
  expect_eq true "$(docker network inspect -f '{{.Internal}}' "$users_net")" "users-net internal"
  expect_eq "${COMPOSE_PROJECT_NAME}_users-net" "$(networks_of service-a)" "A's networks"
  expect_eq "${COMPOSE_PROJECT_NAME}_front-net ${COMPOSE_PROJECT_NAME}_users-net" \
    "$(networks_of service-b)" "B's networks"
  # Beside B's published port, on front-net, A has no name and its address no route...
  ! busybox front-net http://service-a:8080/health || fail "service-a resolves on front-net"
  a_ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' \
    "$(container service-a)")
  ! busybox front-net "http://$a_ip:8080/health" || fail "$a_ip answers from front-net"
  # ...while on users-net the same kind of request works.
  expect_eq "Ada Lovelace" "$(busybox users-net http://service-a:8080/users/1 | jq -r .name)" \
    "A's answer on users-net"
}

test_request_id_travels_from_b_to_a() {
  id="trace-4-$RANDOM$RANDOM"
  http GET "$URL/profiles/3" -H "X-Request-Id: $id"
  expect_eq 200 "$STATUS"
  expect_eq "$id" "$(header x-request-id)" "echoed id"
  wait_for 5 "the id in B's log" logged service-b "$id"
  wait_for 5 "the id in A's log" logged service-a "$id"
  expect_eq "GET /profiles/3 200" "$(access_line service-b "$id")" "B's access log"
  expect_eq "GET /users/3 200" "$(access_line service-a "$id")" "A's access log"
}

test_a_stopped_b_answers_503_within_1s() {
  compose stop service-a
  timed_get /profiles/1
  expect_problem 503
  expect_eq /problems/upstream-unavailable "$(json .type)" "type"
  expect_le 1000 "$ELAPSED" "ms to answer"
  http GET "$URL/ready"
  expect_eq 503 "$STATUS" "/ready"
  expect_match '^down: ' "$(json '.checks["service-a"]')" "service-a check"
  compose start service-a
  wait_for 20 "a 200 from B" answers 200 /profiles/1
}

test_a_paused_b_answers_504_within_its_timeout() {
  compose pause service-a
  trap 'compose unpause service-a' EXIT
  timed_get /profiles/1
  expect_problem 504
  expect_eq /problems/upstream-timeout "$(json .type)" "type"
  expect_le 2000 "$ELAPSED" "ms to answer (timeout 1500 + 500)"
  [ "$ELAPSED" -ge 1500 ] || fail "answered after $ELAPSED ms, before the 1500 ms timeout"
  compose unpause service-a
  trap - EXIT
  http GET "$URL/profiles/1"
  expect_eq 200 "$STATUS" "status once A is unpaused"
}

test_breaker_opens_and_answers_503_at_once() {
  # A black hole makes each call wait out the timeout, until 5 failures in a row open the
  # breaker. A stays paused for the next test.
  compose pause service-a
  for n in 1 2 3 4 5 6; do
    timed_get /profiles/1
    [ "$(json .type)" = /problems/circuit-open ] && break
    expect_eq /problems/upstream-timeout "$(json .type)" "answer $n"
  done
  expect_problem 503
  expect_eq "6 /problems/circuit-open" "$n $(json .type)" "the answer after 5 timeouts"
  expect_le 250 "$ELAPSED" "ms for the breaker's answer (a call to A waits 1500)"
  # The whole open time (5 s) less what passed since it opened, rounded up.
  expect_match '^[1-5]$' "$(header retry-after)" "Retry-After (s)"
  expect_match "in $(header retry-after) s\$" "$(json .detail)" "detail"
  expect_eq 1 "$(metric breaker_opened_total)" "breaker_opened_total"
  expect_eq 1 "$(metric breaker_rejected_total)" "breaker_rejected_total"
  expect_eq 2.0 "$(metric breaker_state)" "breaker_state (open)"
}

test_breaker_closes_again_once_a_is_back() {
  compose unpause service-a
  wait_for 20 "a 200 from B" answers 200 /profiles/1
  expect_eq "1 1 1 0.0" "$(metric breaker_opened_total) $(metric breaker_half_opened_total)"\
" $(metric breaker_closed_total) $(metric breaker_state)" "opened, half-opened, closed, state"
  http GET "$URL/ready"
  expect_eq 200 "$STATUS" "/ready"
}

test_a_restarted_b_recovers_by_itself() {
  a_started=$(started_at service-a)
  compose restart service-a
  [ "$(started_at service-a)" != "$a_started" ] || fail "A did not restart"
  wait_for 20 "a 200 from B" answers 200 /profiles/1
  expect_eq "Ada Lovelace active since 2021-03-14" "$(json .summary)" "summary"
}

test_every_replica_answers_when_a_is_scaled_to_3() {
  B_PORT=$PORT compose up -d --no-recreate --scale service-a=3 --wait
  hosts=$(for c in $(compose ps -q service-a); do hostname_of "$c"; done | sort | paste -sd' ')
  expect_match '^[0-9a-f]{12} [0-9a-f]{12} [0-9a-f]{12}$' "$hosts" "A's 3 hostnames"
  # B sees new replicas once its cached name expires (2 s): three calls, three replicas.
  three_answer() {
    [ "$(for i in 1 2 3; do curl -sS "$URL/profiles/1" | jq -r .served_by.a; done \
      | sort -u | wc -l)" = 3 ]
  }
  wait_for 10 "three replicas in three calls" three_answer
  seen=$(for i in $(seq 9); do curl -sS "$URL/profiles/1" | jq -r .served_by.a; done | sort)
  expect_eq "$hosts" "$(uniq <<<"$seen" | paste -sd' ')" "replicas that answered"
  expect_eq "3 3 3" "$(uniq -c <<<"$seen" | awk '{ print $1 }' | paste -sd' ')" "answers each"
}

test_a_retry_goes_to_another_replica() {
  paused=$(container service-a 2)
  docker pause "$paused" >/dev/null
  trap 'docker unpause "$paused" >/dev/null' EXIT
  before=$(metric upstream_retries_total)
  # Round robin reaches the paused replica within 3 calls; the retry of that call goes to
  # another replica, and the paused one is then skipped (ejected for 5 s).
  seen=$(for i in $(seq 6); do
    http GET "$URL/profiles/1"
    expect_eq 200 "$STATUS" "status of call $i" >&2
    json .served_by.a
  done | sort -u | paste -sd' ')
  expect_eq 1 "$(( $(metric upstream_retries_total) - before ))" "retries"
  others=$(for c in $(compose ps -q service-a); do [ "$c" = "$paused" ] || hostname_of "$c"; done \
    | sort | paste -sd' ')
  expect_eq "$others" "$seen" "replicas that answered"
}

test_b_never_hung_or_crashed() {
  b=$(container service-b)
  expect_eq "running 0" "$(docker inspect -f '{{.State.Status}} {{.RestartCount}}' "$b")" \
    "B's state and restart count"
  expect_eq "$B_STARTED" "$(started_at service-b)" "B's start time"
  timed_get /health
  expect_eq 200 "$STATUS" "/health"
  expect_le 500 "$ELAPSED" "ms for /health"
  expect_eq 0 "$(logs service-b | grep -c '"level":"error"' || true)" "error lines in B's log"
}
