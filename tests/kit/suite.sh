# The service kit, on a JVM outside Docker's images: routing, the error shape, request ids,
# body limits, health, metrics, configuration errors and graceful shutdown. The kit is the one
# the base image holds (build/lib/, `make build/lib/kit.jar`). The fixture runs on this
# machine's JDK when src/build/find-jdk finds one, otherwise (or with KIT_JDK=image) in the
# JDK image, through tests/kit/docker-java: `make test` needs no JDK here.

start_fixture() {  # start_fixture [ENV=VALUE...]: starts the fixture; sets PID, URL, LOG
  local attempt
  for attempt in 1 2; do
    PORT=$(free_port) URL=http://127.0.0.1:$PORT
    LOG=$(mktemp)
    env PORT="$PORT" MAX_BODY_BYTES=1024 "$@" "$JAVA" -cp "$CP" Fixture >"$LOG" 2>&1 &
    PID=$!
    # Up, or gone: a fixture that exits says why at once rather than after the whole wait.
    wait_for 30 "fixture on $URL" bash -c "curl -sf '$URL/health' || ! kill -0 $PID" || true
    if curl -sf "$URL/health" >/dev/null; then return 0; fi
    kill "$PID" 2>/dev/null || true; wait "$PID" || true
    # A free port can be taken between the probe and the bind (another test publishing one):
    # that one case gets a second port.
    if [ "$attempt" = 1 ] && grep -qiE 'address already in use|port is already allocated' "$LOG"
    then continue; fi
    cat "$LOG"; fail "the fixture did not start on $URL"
  done
}

FIXTURE_CLASSES=$ROOT/build/test-classes/kit
CP="$ROOT/build/lib/kit.jar:$ROOT/build/lib/minimal-json.jar:$FIXTURE_CLASSES"
JDK_IMAGE=eclipse-temurin:25-jdk

setup() {
  test -f "$ROOT/build/lib/kit.jar" || fail "build/lib/kit.jar missing: run 'make build/lib/kit.jar'"
  rm -rf "$FIXTURE_CLASSES" && mkdir -p "$FIXTURE_CLASSES"
  local jdk
  if [ "${KIT_JDK:-}" != image ] && jdk=$("$ROOT/src/build/find-jdk"); then
    "$jdk/bin/javac" -d "$FIXTURE_CLASSES" -cp "$CP" "$TESTS_DIR/kit/Fixture.java"
    echo "JAVA=$jdk/bin/java" >"$FIXTURE_CLASSES/java.env"
  else
    echo "no JDK on this machine (or KIT_JDK=image): the fixture runs in $JDK_IMAGE"
    docker run --rm --network none --user "$(id -u):$(id -g)" -v "$ROOT/build:$ROOT/build" \
      -v "$TESTS_DIR/kit:$TESTS_DIR/kit:ro" "$JDK_IMAGE" \
      javac -d "$FIXTURE_CLASSES" -cp "$CP" "$TESTS_DIR/kit/Fixture.java"
    echo "JAVA=$TESTS_DIR/kit/docker-java" >"$FIXTURE_CLASSES/java.env"
  fi
}

# Fixtures the tests left running in the JDK image (a test's own trap stops its fixture).
teardown() {
  local left; left=$(docker ps -aq --filter "label=desafios.kit-suite=$ROOT")
  [ -z "$left" ] || docker rm -f $left >/dev/null
}

# Every test gets a fresh fixture; stopped when the test's subshell exits.
before() {
  source "$FIXTURE_CLASSES/java.env"
  start_fixture "$@"
  trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
}

test_unknown_path_is_404_problem() {
  before
  http GET "$URL/nowhere"
  expect_problem 404
}

test_wrong_method_is_405_with_allow() {
  before
  http DELETE "$URL/items/1"
  expect_problem 405
  expect_eq "GET, HEAD" "$(header allow)" "Allow"
}

test_path_parameter_must_be_an_id() {
  before
  http GET "$URL/items/42"
  expect_eq 200 "$STATUS"; expect_eq 42 "$(json .id)"
  http GET "$URL/items/abc"
  expect_problem 400
  http GET "$URL/items/%E2%82"
  expect_problem 400
}

test_malformed_json_is_400() {
  before
  http POST "$URL/items" -H 'Content-Type: application/json' --data '{"name": "x",'
  expect_problem 400
  expect_match 'malformed JSON' "$(json .detail)"
}

test_invalid_utf8_is_400() {
  before
  http POST "$URL/items" -H 'Content-Type: application/json' --data-binary $'{"name":"\xff\xfe"}'
  expect_problem 400
  expect_match 'UTF-8' "$(json .detail)"
}

test_wrong_media_type_is_415() {
  before
  http POST "$URL/items" -H 'Content-Type: text/plain' --data 'name=x'
  expect_problem 415
}

test_invalid_fields_are_all_listed() {
  before
  http POST "$URL/items" -H 'Content-Type: application/json' \
    --data '{"name": "", "price": 1e99, "colour": "red"}'
  expect_problem 400
  expect_eq "colour,name,price" "$(json '[.errors[].field] | sort | join(",")')" "fields"
  http POST "$URL/items" -H 'Content-Type: application/json' --data '{"name":"pen","price":150}'
  expect_eq 201 "$STATUS"; expect_eq pen "$(json .name)"
}

test_body_over_limit_is_413() {
  before
  http POST "$URL/items" -H 'Content-Type: application/json' --data "$(head -c 2000 /dev/zero | tr '\0' ' '){}"
  expect_problem 413
  # Without Content-Length (chunked), the limit holds while reading.
  http POST "$URL/items" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data "$(head -c 2000 /dev/zero | tr '\0' ' '){}"
  expect_problem 413
}

test_a_bug_is_a_500_problem_without_stack_trace() {
  before
  http GET "$URL/boom"
  expect_problem 500
  [[ $BODY != *IllegalStateException* && $BODY != *"at kit."* ]] || fail "stack detail leaked: $BODY"
  wait_for 5 "error logged" grep -q 'a bug in a handler' "$LOG"
}

test_request_id_is_kept_or_generated() {
  before
  http GET "$URL/items/1" -H 'X-Request-Id: order-7f3a'
  expect_eq order-7f3a "$(header x-request-id)" "echoed id"
  http GET "$URL/items/1" -H "X-Request-Id: $(printf 'x%.0s' {1..200})"
  expect_match '^[0-9a-f]{32}$' "$(header x-request-id)" "generated id for an oversized one"
  http GET "$URL/items/1"
  expect_match '^[0-9a-f]{32}$' "$(header x-request-id)" "generated id"
}

test_access_log_has_one_line_per_request() {
  before
  http GET "$URL/items/9" -H 'X-Request-Id: log-check-1'
  wait_for 5 "access log line" grep -q 'log-check-1' "$LOG"
  line=$(grep 'log-check-1' "$LOG")
  expect_eq "GET /items/9 200" "$(jq -r '"\(.method) \(.path) \(.status)"' <<<"$line")" "logged request"
  expect_match '^[0-9.]+$' "$(jq -r .ms <<<"$line")" "latency"
}

test_health_ready_and_metrics() {
  before
  http GET "$URL/health"
  expect_eq 200 "$STATUS"; expect_eq up "$(json .status)"
  http GET "$URL/ready"
  expect_eq 200 "$STATUS"; expect_eq ready "$(json .status)"
  http GET "$URL/items/1"; http GET "$URL/items/2"; http GET "$URL/nowhere"
  http GET "$URL/metrics"
  expect_match '^text/plain' "$(header content-type)"
  expect_eq 2 "$(grep -F 'http_requests_total{route="/items/{id}",method="GET",status="200"}' <<<"$BODY" | cut -d' ' -f2)" "item requests counted"
  expect_eq 1 "$(grep -F 'http_requests_total{route="unmatched",method="GET",status="404"}' <<<"$BODY" | cut -d' ' -f2)" "404 counted"
  expect_eq 2 "$(grep -F 'http_request_duration_seconds_count{route="/items/{id}"}' <<<"$BODY" | cut -d' ' -f2)" "histogram count"
  # The JVM's own gauges, and one series naming the service and its host.
  expect_match '^[1-9][0-9]*\.0$' "$(grep -F 'jvm_memory_used_bytes{area="heap"}' <<<"$BODY" | cut -d' ' -f2)" "heap used"
  expect_match '^[1-9][0-9]*\.0$' "$(grep '^jvm_threads_current ' <<<"$BODY" | cut -d' ' -f2)" "platform threads"
  # The host is the one /health names (this machine's name, or the container's where the
  # fixture runs in the JDK image).
  local host; host=$(curl -sf "$URL/health" | jq -ren 'input | .instance')
  expect_match '^[A-Za-z0-9.-]+$' "$host" "the instance /health names"
  expect_eq "service_info{service=\"fixture\",host=\"$host\"} 1.0" "$(grep '^service_info' <<<"$BODY")" "service_info"
}

test_bad_configuration_stops_with_a_clear_message() {
  source "$FIXTURE_CLASSES/java.env"
  bounded 20 env PORT=eighty "$JAVA" -cp "$CP" Fixture
  expect_eq 2 "$RC" "exit status"
  expect_eq 'invalid configuration: PORT="eighty": expected an integer from 1 to 65535' \
    "$(jq -r .msg <<<"$OUT")" "logged message"
}

# connection_refused URL: a new connection to URL gets no answer, at once: refused (curl's
# exit status 7), or, when the fixture runs in the JDK image, accepted by Docker's port proxy
# and closed with nothing behind it (52 or 56). A hang (28) or any answer is not refused.
connection_refused() {
  local rc=0; curl -s -o /dev/null --max-time 1 "$1" || rc=$?; [[ $rc =~ ^(7|52|56)$ ]]
}

test_sigterm_lets_in_flight_requests_finish() {
  before STOP_GRACE_SECONDS=3
  curl -sS --max-time 10 "$URL/slow?ms=1500" >"$LOG.slow" 2>&1 &
  slow=$!
  # The fixture logs this line once the handler runs: the request is in flight from here.
  wait_for 5 "the slow request in its handler" grep -q '"msg":"slow request started"' "$LOG"
  start=$(now_ms)
  kill -TERM "$PID"
  # Within the grace, while the slow request is still in its handler, a new connection is
  # refused at once rather than accepted and left hanging.
  wait_for 1 "new connections refused" connection_refused "$URL/health"
  kill -0 "$slow" 2>/dev/null || fail "the slow request ended before the listener closed"
  kill -0 "$PID" 2>/dev/null || fail "the fixture exited before the slow request finished"
  rc=0; wait "$slow" || rc=$?
  expect_eq "0 1500" "$rc $(jq -r .slept_ms <"$LOG.slow")" "curl's status and the in-flight answer"
  rc=0; wait "$PID" || rc=$?
  expect_eq 0 "$rc" "the fixture's exit status after a stop that finished every request"
  # 1.5 s in the handler, less what passed before SIGTERM, then the stop itself.
  expect_le 2500 "$(( $(now_ms) - start ))" "ms from SIGTERM to exit"
  rm -f "$LOG.slow"
}

# kit.Client calls services by plain HTTP; an https URL fails at once, saying why (its client
# has no TLS set up, which spares every service reading the runtime's CA certificates).
test_client_calls_plain_http_and_refuses_https_clearly() {
  before
  http GET "$URL/call?scheme=http"
  expect_eq 200 "$STATUS"; expect_eq 200 "$(json .status)"; expect_eq 7 "$(json .body | jq .id)"
  http GET "$URL/call?scheme=https"
  expect_eq 502 "$STATUS"
  expect_match 'plain HTTP only' "$(json .error)"
}

test_an_unknown_method_is_501_and_counted_as_other() {
  before
  http BREW "$URL/items/1"
  expect_problem 501
  [[ $(json .detail) != *BREW* ]] || fail "the method is echoed: $(json .detail)"
  # A method longer than the head limit (16 KiB) never reaches the kit: the connection closes.
  local code=0
  curl -sS -o /dev/null --max-time 5 -X "$(head -c 20000 /dev/zero | tr '\0' M)" \
    "$URL/items/1" 2>/dev/null || code=$?
  expect_match '^(52|56)$' "$code" "curl's exit status (52, 56: no answer at all)"
  http GET "$URL/metrics"
  expect_eq 1 "$(grep -cF 'method="other",status="501"' <<<"$BODY")" "the 501's series"
  [[ $BODY != *BREW* ]] || fail "the method is a label"
  wait_for 5 "the 501 logged" grep -q '"status":501' "$LOG"
  expect_eq other "$(grep '"status":501' "$LOG" | jq -r .method)" "the logged method"
}

test_log_values_are_cut_to_1024_characters() {
  before
  local long; long=/$(head -c 5000 /dev/zero | tr '\0' p)
  http GET "$URL$long" -H 'X-Request-Id: long-path-1'
  expect_problem 404
  wait_for 5 "the request logged" grep -q long-path-1 "$LOG"
  expect_match '^/p{1023}…\(5001 chars\)$' "$(grep long-path-1 "$LOG" | jq -r .path)" "logged path"
}

test_requests_past_max_in_flight_are_shed_with_503() {
  before MAX_IN_FLIGHT=2
  local slow=()
  # Long enough that both are in their handler together even on a busy machine.
  for _ in 1 2; do curl -s -o /dev/null --max-time 15 "$URL/slow?ms=4000" & slow+=($!); done
  # Both in their handler, seen in the log: a request sent to ask would take a place itself,
  # and could take the second one's.
  wait_for 8 "two requests in flight" slow_started 2
  http GET "$URL/items/1"
  expect_problem 503
  expect_eq 1 "$(header retry-after)" "Retry-After"
  wait "${slow[@]}"
  http GET "$URL/items/1"
  expect_eq 200 "$STATUS" "once the two are answered"
  http GET "$URL/metrics"
  expect_eq 1 "$(metric_of 'http_requests_shed_total{reason="in_flight"}')" "shed, counted"
}

test_bodies_past_the_buffer_budget_are_shed_with_503() {
  # Room for two bodies of the limit (1024 bytes): two uploads that stall hold it all.
  before BODY_BUFFER_BYTES=2048
  local held=()
  for fd in 4 5; do
    eval "exec $fd<>/dev/tcp/127.0.0.1/$PORT"
    printf 'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"na' >&"$fd"
    held+=("$fd")
  done
  wait_for 5 "two bodies held" body_buffer 2000
  local body; body="{\"name\":\"pen\",\"price\":1}$(head -c 100 /dev/zero | tr '\0' ' ')"
  http POST "$URL/items" -H 'Content-Type: application/json' --data "$body"
  expect_problem 503
  expect_eq "1 close" "$(header retry-after) $(header connection)" "Retry-After, Connection"
  exec 4>&- 5>&-
  wait_for 5 "the stalled bodies given back" body_buffer 0
  http POST "$URL/items" -H 'Content-Type: application/json' --data "$body"
  expect_eq 201 "$STATUS" "once the stalled uploads are gone"
}

test_a_body_buffer_below_one_body_does_not_start() {
  source "$FIXTURE_CLASSES/java.env"
  bounded 20 env PORT="$(free_port)" MAX_BODY_BYTES=4096 BODY_BUFFER_BYTES=1024 \
    "$JAVA" -cp "$CP" Fixture
  expect_eq 2 "$RC" "exit status"
  expect_match 'BODY_BUFFER_BYTES="1024": expected at least MAX_BODY_BYTES \(4096\)' \
    "$(jq -r .msg <<<"$OUT")" "logged message"
}

# metric_of SERIES: its value on the last /metrics answer.
metric_of() { awk -v s="$1" '$1 == s { print $2 }' <<<"$BODY"; }
# slow_started N: the fixture has logged N slow requests entering their handler.
slow_started() { [ "$(grep -c '"msg":"slow request started"' "$LOG")" -ge "$1" ]; }
# body_buffer N: the fixture holds N bytes of request bodies now.
body_buffer() { gauge_is http_body_buffer_bytes "$1"; }
gauge_is() {
  local value; value=$(curl -s "$URL/metrics" | awk -v s="$1" '$1 == s { print $2 }')
  awk -v v="$value" -v n="$2" 'BEGIN { exit !(v + 0 == n + 0 && v != "") }'
}
