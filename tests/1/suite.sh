# Challenge 1: a Java server and a shell client in separate containers on a custom network.

project hello 1

setup() {
  remember PORT "$(free_port)"
  SERVER_PORT=$PORT CLIENT_INTERVAL=1 compose up -d --wait
}

teardown() { compose down -v --remove-orphans; }

# ok_lines: the client's successful answers so far, one JSON body per line.
ok_lines() { logs client | sed -n 's/^[0-9:]* ok   //p'; }
has_answers() { [ "$(ok_lines | wc -l)" -ge "$1" ]; }
has_failure_line() { logs client | grep -q 'FAIL cannot reach http://server:8080/'; }
# A restarted server counts from 1 again: an answer with a small count is from a new process.
answered_by_new_process() { ok_lines | tail -1 | jq -en 'input | .request_number <= 2' >/dev/null; }
hostname_of() { docker inspect -f '{{.Config.Hostname}}' "$(container "$1")"; }

test_client_gets_answers_by_hostname() {
  wait_for 20 "3 answers in the client's log" has_answers 3
  expect_eq "$(hostname_of server)" "$(ok_lines | tail -1 | jq -r .hostname)" "answering hostname"
  # The request came from the client container's own address on the custom network.
  client_ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(container client)")
  expect_eq "$client_ip" "$(ok_lines | tail -1 | jq -r .client.address)" "caller address"
}

test_network_is_a_named_bridge_with_both_containers() {
  net="${COMPOSE_PROJECT_NAME}_hello-net"
  expect_eq bridge "$(docker network inspect -f '{{.Driver}}' "$net")" "driver"
  attached=$(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "$net" \
    | tr ' ' '\n' | sed '/^$/d' | sort | paste -sd' ')
  expect_eq "${COMPOSE_PROJECT_NAME}-client-1 ${COMPOSE_PROJECT_NAME}-server-1" "$attached" "containers"
}

test_server_answers_on_loopback() {
  http GET "http://127.0.0.1:$PORT/"
  expect_eq 200 "$STATUS"
  expect_eq "$(hostname_of server)" "$(json .hostname)"
  expect_match '^[0-9]+$' "$(json .request_number)" "request counter"
}

test_port_is_bound_to_loopback_only() {
  expect_eq "127.0.0.1:$PORT" "$(docker port "$(container server)" 8080/tcp)" "published address"
}

test_errors_are_problem_json() {
  http GET "http://127.0.0.1:$PORT/nowhere"
  expect_problem 404
  http POST "http://127.0.0.1:$PORT/"
  expect_problem 405
  expect_eq "GET, HEAD" "$(header allow)" "Allow"
}

test_containers_run_as_non_root() {
  expect_eq 10001:10001 "$(docker inspect -f '{{.Config.User}}' "$(container server)")" "server user"
  expect_eq 10001:10001 "$(docker inspect -f '{{.Config.User}}' "$(container client)")" "client user"
}

test_client_reports_an_unreachable_server_and_resumes() {
  client_started=$(docker inspect -f '{{.State.StartedAt}}' "$(container client)")
  compose stop server
  wait_for 15 "a FAIL line in the client's log" has_failure_line
  compose start server
  wait_for 30 "an answer from the restarted server" answered_by_new_process
  expect_eq "$client_started" "$(docker inspect -f '{{.State.StartedAt}}' "$(container client)")" \
    "client start time (it never restarted)"
}

# load_until_stopped FILE STOP: requests / in a loop until the file STOP exists (at most 600),
# and writes one line per request: curl's exit code, the HTTP status (000: none), and whether
# the body was whole JSON. A failed request is written down like any other, and the loop goes
# on: what happens around the server's stop is what the test looks at.
load_until_stopped() {
  local body rc code json whole
  for _ in $(seq 1 600); do
    [ -e "$2" ] && break
    rc=0
    body=$(curl -s --max-time 3 -w '\n%{http_code}' "http://127.0.0.1:$PORT/") || rc=$?
    code=$(tail -n1 <<<"$body"); json=$(sed '$d' <<<"$body")
    if jq -en 'input | .hostname' <<<"$json" >/dev/null 2>&1; then whole=whole; else whole=none; fi
    echo "$rc ${code:-000} $whole" >>"$1"
  done
}
# count_lines FILE AWK_CONDITION: how many lines of FILE meet the condition.
count_lines() { awk "$2 { n++ } END { print n + 0 }" "$1"; }

test_stop_under_load_truncates_no_answer() {
  results=$(mktemp) stop=$(mktemp -u)
  trap 'touch "$stop"; wait; rm -f "$results" "$stop"; compose start server >/dev/null 2>&1' EXIT
  for _ in 1 2 3 4; do load_until_stopped "$results" "$stop" & done
  wait_for 10 "requests under way" bash -c "[ \$(wc -l <'$results') -ge 20 ]"
  before=$(wc -l <"$results")
  start=$(now_ms)
  docker stop "$(container server)" >/dev/null
  stopped_ms=$(( $(now_ms) - start ))
  # The load goes on against the stopped server until it has met its refusal.
  wait_for 10 "a request refused by the stopped server" \
    bash -c "[ \$(awk '\$2 == \"000\"' '$results' | wc -l) -ge 4 ]"
  touch "$stop"; wait
  compose start server >/dev/null
  total=$(wc -l <"$results")
  ok=$(count_lines "$results" '$1 == 0 && $2 == "200" && $3 == "whole"')
  refused=$(count_lines "$results" '$1 != 0 && $2 == "000"')
  echo "report: $total requests ($before before the stop): $ok whole answers, $refused refused"
  # Every request got a whole JSON answer or none at all (no status line): never a status
  # with a cut or broken body, never an error after the answer began.
  expect_eq "" "$(awk '!(($1 == 0 && $2 == "200" && $3 == "whole") || ($1 != 0 && $2 == "000"))' \
    "$results" | sort | uniq -c | head -5)" "truncated or broken answers (of $total requests)"
  expect_ge 20 "$ok" "whole answers"
  expect_ge 4 "$refused" "requests refused once the server stopped"
  expect_le 2000 "$stopped_ms" "ms for docker stop (SIGTERM to exit)"
  wait_for 30 "server healthy again" curl -sf "http://127.0.0.1:$PORT/health"
}

test_down_finishes_within_3s() {
  start=$(now_ms)
  compose down
  expect_le 3000 "$(( $(now_ms) - start ))" "ms for docker compose down"
}
