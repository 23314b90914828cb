# Challenge 5: an API gateway in front of users-service and products-service. Routing from the
# table in challenges/5/routes.conf, every proxy rule (headers, paths, bodies, limits), the
# spread over scaled replicas, upstream failures and recovery, the partial overview, and the
# services' own validation, all through the published gateway port.
# The tests share one project and run in order: later ones expect three products replicas.
# A second gateway (G2), on the same networks with a routing table of its own
# (tests/5/routes-more.conf), shows what challenges/5/routes.conf has no line for.

project gateway 5
# Containers the tests add to the project's networks (docker run, labelled test.run).
GATEWAY_2=test-gateway-2-$TEST_RUN_ID REFUSING=test-refusing-replica-$TEST_RUN_ID

setup() {
  remember PORT "$(free_port)"
  remember G "http://127.0.0.1:$PORT"
  remember TMP "$(mktemp -d)"
  make -s -C "$ROOT" secrets-5 >/dev/null   # the database passwords, as make run-5 makes them
  GATEWAY_PORT=$PORT compose up -d --wait
  remember GATEWAY_STARTED "$(started_at gateway)"
  local port2; port2=$(free_port "$PORT")
  remember G2 "http://127.0.0.1:$port2"
  # As compose.yaml runs the gateway: the same limits, published on 127.0.0.1 only.
  docker run -d --name "$GATEWAY_2" --label "test.run=$TEST_RUN_ID" --read-only --tmpfs /tmp \
    --cap-drop ALL --memory 256m --cpus 1 --network "${COMPOSE_PROJECT_NAME}_front" \
    -p "127.0.0.1:$port2:8080" -v "$TESTS_DIR/5/routes-more.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION" >/dev/null
  docker network connect "${COMPOSE_PROJECT_NAME}_back" "$GATEWAY_2"
  wait_for 30 "the second gateway reaching both services" \
    bash -c "curl -sf '$G2/health' | jq -en 'input | .status == \"up\"'"
}

teardown() {
  # A failed test may have left products or users paused, or a container of its own.
  local c
  for c in $(compose ps -q --status paused); do docker unpause "$c"; done
  docker rm -f "$GATEWAY_2" "$REFUSING" >/dev/null 2>&1 || true
  compose down -v --remove-orphans
  rm -rf "$TMP"
}

started_at() { docker inspect -f '{{.State.StartedAt}}' "$(container "$1" "${2:-1}")"; }
hostname_of() { docker inspect -f '{{.Config.Hostname}}' "$(container "$1" "${2:-1}")"; }
# send_json METHOD PATH JSON: sends JSON to the gateway (sets STATUS, BODY, HEADERS).
send_json() { http "$1" "$G$2" -H 'Content-Type: application/json' --data-binary "$3"; }
# fields: the sorted offending fields of the last 400 problem.
fields() { json '[.errors[].field] | sort | join(",")'; }
# header_names: the sorted names of the last response's headers.
header_names() { sed -n 's/^\([a-z0-9-]*\):.*/\1/p' <<<"$HEADERS" | sort | paste -sd,; }
# served_by PATH N: the replica names that answered N GETs of PATH, one per line.
served_by() {
  for _ in $(seq "$2"); do
    curl -sS -o /dev/null -D - "$G$1" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: //p'
  done
}
# metric SERIES: the value of one series on the gateway's /metrics (0 when absent).
metric() { curl -sS "$G/metrics" | awk -v s="$1" '$1 == s { v = $2 } END { print v + 0 }'; }
# access_lines SERVICE: requests SERVICE logged, except readiness probes.
access_lines() {
  local c n=0
  for c in $(compose ps -q "$1"); do
    n=$(( n + $(docker logs "$c" 2>&1 | grep '"msg":"request"' | grep -vc '"path":"/ready"') ))
  done
  echo "$n"
}
# saved_header NAME: a header of the response whose headers curl saved in $TMP/h.
saved_header() { tr -d '\r' <"$TMP/h" | awk -F': ' -v n="$1" 'tolower($1) == n { print $2 }'; }
answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$G$2")" = "$1" ]; }
# pattern_sha N: the SHA-256 of the first N bytes of the pattern /debug/bytes sends.
# (`yes` ends on SIGPIPE when head has enough: not a failure here.)
pattern_sha() {
  (set +o pipefail
   yes abcdefghijklmnopqrstuvwxyz0123456789 | head -c "$1" | sha256sum | cut -c1-64)
}

test_routes_reach_each_service() {
  http GET "$G/users/1"
  expect_eq 200 "$STATUS"
  expect_eq ada@example.org "$(json .email)" "user 1"
  expect_eq "$(hostname_of users-service)" "$(header x-served-by)" "users replica"
  http GET "$G/products/2"
  expect_eq NOTEBOOK-A5 "$(json .sku)" "product 2"
  expect_eq "$(hostname_of products-service)" "$(header x-served-by)" "products replica"
  # /catalog is rewritten to /products upstream.
  http GET "$G/catalog/2"
  expect_eq 200 "$STATUS"
  expect_eq NOTEBOOK-A5 "$(json .sku)" "product 2 through /catalog"
  http GET "$G/catalog?limit=2"
  expect_eq "2 5" "$(json '"\(.items | length) \(.total)"')" "items and total through /catalog"
}

test_only_the_gateway_is_published_and_the_services_unreachable() {
  # What `docker ps` publishes for each service of the project.
  expect_eq "gateway 127.0.0.1:$PORT->8080/tcp|postgres |products-service |redis |users-service " \
    "$(docker ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
    --format '{{.Label "com.docker.compose.service"}} {{.Ports}}' | sort | paste -sd'|')" \
    "published ports"
  expect_eq "8080/tcp -> 127.0.0.1:$PORT" "$(docker port "$(container gateway)")" \
    "the gateway's published port (loopback only)"
  expect_eq "false true true true" "$(docker network inspect -f '{{.Internal}}' \
    "${COMPOSE_PROJECT_NAME}_front" "${COMPOSE_PROJECT_NAME}_back" \
    "${COMPOSE_PROJECT_NAME}_users-data" "${COMPOSE_PROJECT_NAME}_products-data" \
    | paste -sd' ')" "front, back, users-data and products-data internal"
  # Each service on back and on its own data network; the data on those alone.
  for pair in users-service:back,users-data products-service:back,products-data \
      postgres:products-data,users-data redis:products-data; do
    expect_eq "$(tr , '\n' <<<"${pair#*:}" | sed "s/^/${COMPOSE_PROJECT_NAME}_/" | xargs)" \
      "$(docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}' \
      "$(container "${pair%%:*}")" | xargs)" "networks of ${pair%%:*}"
  done
  # From front, where the published port leads, the services have no name and no route...
  local users_ip out
  users_ip=$(docker inspect -f \
    "{{(index .NetworkSettings.Networks \"${COMPOSE_PROJECT_NAME}_back\").IPAddress}}" \
    "$(container users-service)")
  for url in http://users-service:8080/users/1 "http://$users_ip:8080/users/1"; do
    if out=$(on_network front "$url"); then fail "$url answered from front: $out"; fi
  done
  # ...while on back the same request works.
  expect_eq ada@example.org "$(on_network back http://users-service:8080/users/1 | jq -r .email)" \
    "users-service's answer on back"
  # The data is out of reach from back, and Redis (products' cache) from users' data network.
  for target in back:postgres:5432 back:redis:6379 users-data:redis:6379; do
    if docker run --rm --network "${COMPOSE_PROJECT_NAME}_${target%%:*}" busybox:1.37 \
        nc -z -w 2 "$(cut -d: -f2 <<<"$target")" "${target##*:}" >/dev/null 2>&1; then
      fail "${target#*:} is reachable from ${target%%:*}"
    fi
  done
}

# on_network NETWORK URL: fetches URL from a throwaway busybox on the project's NETWORK.
on_network() {
  docker run --rm --network "${COMPOSE_PROJECT_NAME}_$1" busybox:1.37 wget -T 2 -qO- "$2" 2>&1
}

test_unknown_route_is_404_problem() {
  for path in /nowhere /usersx /catalogue/1 /; do
    http GET "$G$path"
    expect_problem 404
    expect_eq "no route for $path" "$(json .detail)" "detail for $path"
  done
}

test_the_longest_prefix_wins_at_a_segment_boundary() {
  # tests/5/routes-more.conf lists /shop (users-service) before /shop/products.
  http GET "$G2/shop/products/2"
  expect_eq "200 NOTEBOOK-A5" "$STATUS $(json .sku)" "/shop/products/2: the longer prefix"
  expect_eq "$(hostname_of products-service)" "$(header x-served-by)" "who answered it"
  http GET "$G2/shop/1"
  expect_eq "200 ada@example.org" "$STATUS $(json .email)" "/shop/1: the shorter prefix"
  expect_eq "$(hostname_of users-service)" "$(header x-served-by)" "who answered it"
  # /shop/productsx is below /shop only: users-service is asked for /users/productsx.
  http GET "$G2/shop/productsx"
  expect_problem 400
  expect_eq "$(hostname_of users-service)" "$(header x-served-by)" "who answered /shop/productsx"
}

test_users_crud() {
  send_json POST /users '{"name": "Edsger Dijkstra", "email": "Edsger@Example.org"}'
  expect_eq 201 "$STATUS" "create status"
  expect_eq '4 edsger@example.org /users/4' "$(json '"\(.id) \(.email)"') $(header location)"
  http GET "$G/users/4"
  expect_eq 'Edsger Dijkstra' "$(json .name)"
  send_json PUT /users/4 '{"name": "E. W. Dijkstra", "email": "ewd@example.org"}'
  expect_eq '200 E. W. Dijkstra ewd@example.org' "$STATUS $(json '"\(.name) \(.email)"')"
  send_json PATCH /users/4 '{"name": "EWD"}'
  expect_eq '200 EWD ewd@example.org' "$STATUS $(json '"\(.name) \(.email)"')"
  send_json POST /users '{"name": "Another Ada", "email": "ADA@example.org"}'
  expect_problem 409
  send_json PATCH /users/4 '{"email": "grace@example.org"}'
  expect_problem 409
  http DELETE "$G/users/4"
  expect_eq 204 "$STATUS" "delete status"
  http GET "$G/users/4"
  expect_problem 404
  http DELETE "$G/users/4"
  expect_problem 404
  http GET "$G/users"
  expect_eq 3 "$(json .total)" "users left"
}

test_products_crud() {
  send_json POST /products '{"sku": "PEN-RED-02", "name": "Red pen", "price_cents": 160,
    "stock": 10}'
  expect_eq 201 "$STATUS" "create status"
  expect_eq '6 PEN-RED-02 /products/6' "$(json '"\(.id) \(.sku)"') $(header location)"
  send_json PUT /products/6 '{"sku": "PEN-RED-03", "name": "Red pen", "price_cents": 170,
    "stock": 9}'
  expect_eq '200 PEN-RED-03 170 9' "$STATUS $(json '"\(.sku) \(.price_cents) \(.stock)"')"
  send_json PATCH /products/6 '{"stock": 0}'
  expect_eq '200 PEN-RED-03 170 0' "$STATUS $(json '"\(.sku) \(.price_cents) \(.stock)"')"
  send_json POST /products '{"sku": "PEN-BLUE-01", "name": "Pen", "price_cents": 1, "stock": 1}'
  expect_problem 409
  send_json PATCH /products/6 '{"sku": "MUG-CERAMIC"}'
  expect_problem 409
  http DELETE "$G/products/6"
  expect_eq 204 "$STATUS" "delete status"
  http GET "$G/products/6"
  expect_problem 404
  http GET "$G/products"
  expect_eq 5 "$(json .total)" "products left"
}

test_wrong_method_is_405_with_allow() {
  http DELETE "$G/users"
  expect_problem 405
  expect_eq "GET, POST, HEAD" "$(header allow)" "Allow of /users"
  http POST "$G/products/1"
  expect_problem 405
  expect_eq "GET, PUT, PATCH, DELETE, HEAD" "$(header allow)" "Allow of /products/1"
}

test_bad_user_inputs_are_4xx_and_change_nothing() {
  before=$(curl -sS "$G/users?limit=100")
  send_json POST /users '{"name": "x",'
  expect_problem 400; expect_match '^malformed JSON' "$(json .detail)"
  send_json POST /users '["name", "email"]'
  expect_problem 400
  send_json POST /users '{"name": 7, "email": true}'
  expect_problem 400; expect_eq email,name "$(fields)"
  send_json POST /users '{"name": "x", "email": "x@example.org", "admin": true}'
  expect_problem 400; expect_eq admin "$(fields)"
  send_json POST /users "{\"name\": \"$(printf 'n%.0s' {1..101})\", \"email\": \"no-at-sign\"}"
  expect_problem 400; expect_eq email,name "$(fields)"
  send_json POST /users $'{"name": "\xff\xfe", "email": "b@example.org"}'
  expect_problem 400; expect_match 'UTF-8' "$(json .detail)"
  http POST "$G/users" -H 'Content-Type: text/plain' --data 'name=x'
  expect_problem 415
  send_json PUT /users/1 '{"name": "Ada"}'
  expect_problem 400; expect_eq email "$(fields)"
  send_json PATCH /users/1 '{}'
  expect_problem 400; expect_eq body "$(fields)"
  send_json PATCH /users/1 '{"email": 12}'
  expect_problem 400; expect_eq email "$(fields)"
  send_json PUT /users/999 '{"name": "Nobody", "email": "nobody@example.org"}'
  expect_problem 404
  for id in abc 0 -1 99999999999999999999 1.5; do
    http GET "$G/users/$id"
    expect_problem 400
  done
  for query in limit=1000 limit=abc offset=-1 limit=99999999999999999999; do
    http GET "$G/users?$query"
    expect_problem 400
  done
  expect_eq "$before" "$(curl -sS "$G/users?limit=100")" "users after the bad requests"
}

test_bad_product_inputs_are_4xx_and_change_nothing() {
  before=$(curl -sS "$G/products?limit=100")
  send_json POST /products '{"sku": "X-1"'
  expect_problem 400; expect_match '^malformed JSON' "$(json .detail)"
  send_json POST /products '{"sku": "pen", "name": "", "price_cents": "150", "stock": 1.5}'
  expect_problem 400; expect_eq name,price_cents,sku,stock "$(fields)"
  send_json POST /products '{"sku": "BIG-1", "name": "Big", "price_cents": 1e99,
    "stock": 99999999999999999999}'
  expect_problem 400; expect_eq price_cents,stock "$(fields)"
  send_json POST /products '{"sku": "NEG-1", "name": "Neg", "price_cents": -1, "stock": 1,
    "prise": 5}'
  expect_problem 400; expect_eq price_cents,prise "$(fields)"
  send_json POST /products 'null'
  expect_problem 400
  send_json PATCH /products/1 '{"price_cents": null}'
  expect_problem 400; expect_eq price_cents "$(fields)"
  send_json PUT /products/2 '{"sku": "NOTEBOOK-A5"}'
  expect_problem 400; expect_eq name,price_cents,stock "$(fields)"
  http GET "$G/products/2x"
  expect_problem 400
  http GET "$G/products?offset=x"
  expect_problem 400
  expect_eq "$before" "$(curl -sS "$G/products?limit=100")" "products after the bad requests"
}

test_methods_query_and_status_pass_through() {
  for method in GET POST PUT PATCH DELETE OPTIONS; do
    http "$method" "$G/debug/echo/a%20b?x=1&y=%2F&flag"
    expect_eq "200 $method /debug/echo/a%20b x=1&y=%2F&flag" \
      "$STATUS $(json '"\(.method) \(.path) \(.query)"')" "$method as the upstream saw it"
  done
  for status in 201 404 418; do
    http POST "$G/debug/echo?status=$status" -H 'Content-Type: text/plain' --data 'hello'
    expect_eq "$status 5" "$STATUS $(json .body.bytes)" "status and body passed through"
  done
  http DELETE "$G/debug/echo?status=204"
  expect_eq "204 " "$STATUS $BODY" "204 without a body"
  http HEAD "$G/debug/bytes/1234" -I
  expect_eq "200 1234" "$STATUS $(header content-length)" "HEAD keeps the length"
}

test_hop_by_hop_headers_are_removed_both_ways() {
  http GET "$G/debug/echo" -H 'Connection: X-Secret, Keep-Alive' -H 'X-Secret: for the gateway' \
    -H 'Keep-Alive: timeout=5' -H 'TE: trailers' -H 'Trailer: X-Sum' -H 'Upgrade: websocket' \
    -H 'Proxy-Connection: keep-alive' -H 'Proxy-Authorization: Basic Zm9vOmJhcg==' \
    -H 'X-Kept: yes' -H 'User-Agent: suite-5'
  expect_eq 200 "$STATUS"
  # What the upstream received: end-to-end headers, the gateway's own, nothing else.
  received=accept,host,user-agent,x-forwarded-for,x-forwarded-host,x-forwarded-proto,x-kept
  expect_eq "$received,x-request-id" "$(json '.headers | keys | join(",")')" \
    "headers the upstream received"
  expect_eq "yes suite-5" "$(json '.headers["x-kept"] + " " + .headers["user-agent"]')"
  # The echo answers with Connection, Keep-Alive, Proxy-Authenticate, Proxy-Connection,
  # Trailer, Upgrade and X-Upstream-Secret (named in its Connection): none may come through.
  expect_eq content-length,content-type,date,x-end-to-end,x-request-id,x-served-by \
    "$(header_names)" "headers the client received"
  expect_eq kept "$(header x-end-to-end)"
}

test_forwarded_headers_and_request_id() {
  front_gateway=$(docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' \
    "${COMPOSE_PROJECT_NAME}_front")
  http GET "$G/debug/echo" -H 'X-Forwarded-For: 203.0.113.7' -H 'Host: shop.example' \
    -H 'X-Forwarded-Proto: https' -H 'X-Request-Id: trace-5-abc'
  expect_eq "203.0.113.7, $front_gateway" "$(json '.headers["x-forwarded-for"]')" "X-Forwarded-For"
  expect_eq "shop.example http" \
    "$(json '.headers["x-forwarded-host"] + " " + .headers["x-forwarded-proto"]')"
  expect_eq "trace-5-abc trace-5-abc" "$(json '.headers["x-request-id"]') $(header x-request-id)"
  http GET "$G/debug/echo"
  expect_eq "$front_gateway" "$(json '.headers["x-forwarded-for"]')" "X-Forwarded-For, first hop"
  expect_match '^[0-9a-f]{32}$' "$(header x-request-id)" "generated id"
  expect_eq "$(header x-request-id)" "$(json '.headers["x-request-id"]')" "id sent upstream"
}

test_traversal_attempts_are_rejected() {
  users_before=$(access_lines users-service) products_before=$(access_lines products-service)
  for path in /users/../debug/echo /users/%2e%2e/debug/echo /users/.%2E/x /debug/echo/%2E \
      /users%2fdebug /users/1%2F..%2F2 /users/a%5c..%5cb //users/1 /users//1 /./users \
      /users/..%3bx/1 /users/%00 /users/%c0%ae%c0%ae/x /users/%e2%82; do
    http GET "$G$path" --path-as-is
    expect_eq "400 application/problem+json; charset=utf-8 /problems/unsafe-path" \
      "$STATUS $(header content-type) $(json .type)" "answer to $path"
  done
  # These two never reach the gateway's code: the JDK's HttpServer refuses them itself.
  for path in /users/%zz //users; do
    http GET "$G$path" --path-as-is
    expect_match '^4[0-9][0-9]$' "$STATUS" "status for $path"
  done
  expect_eq "$users_before $products_before" \
    "$(access_lines users-service) $(access_lines products-service)" "requests upstream"
  # A path that only looks odd passes unchanged.
  http GET "$G/debug/echo/a.b..c%20d" --path-as-is
  expect_eq "200 /debug/echo/a.b..c%20d" "$STATUS $(json .path)"
}

test_body_limit_applies_with_and_without_a_length() {
  head -c $(( (8 << 20) + 1 )) /dev/zero >"$TMP/over"
  http POST "$G/debug/echo" --data-binary @"$TMP/over"
  expect_problem 413
  expect_eq 'the request body is larger than 8388608 bytes, the limit of /debug' "$(json .detail)"
  http POST "$G/debug/echo" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/over"
  expect_problem 413
  head -c $(( 8 << 20 )) /dev/zero >"$TMP/limit"
  http POST "$G/debug/echo" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/limit"
  expect_eq "200 8388608" "$STATUS $(json .body.bytes)" "a body of exactly the limit"
  # /users keeps the default limit, 1 MiB, whatever the service would accept.
  head -c $(( (1 << 20) + 1 )) /dev/zero >"$TMP/over1m"
  http POST "$G/users" -H 'Content-Type: application/json' --data-binary @"$TMP/over1m"
  expect_problem 413
  expect_eq 'the request body is larger than 1048576 bytes, the limit of /users' "$(json .detail)"
}

test_a_body_with_two_framings_is_refused() {
  # A length and chunks at once is how requests get smuggled past a proxy. The JDK's
  # HttpServer refuses it before the gateway's code runs (so the answer is its plain 400).
  before=$(access_lines products-service)
  http POST "$G/debug/echo" -H 'Transfer-Encoding: chunked' -H 'Content-Length: 3' \
    --data-binary 'hello, world'
  expect_eq 400 "$STATUS"
  expect_eq "$before" "$(access_lines products-service)" "requests that reached the upstream"
}

test_large_bodies_stream_through() {
  head -c $(( 6 << 20 )) /dev/urandom >"$TMP/upload"
  sum=$(sha256sum "$TMP/upload" | cut -c1-64)
  http PUT "$G/debug/echo" --data-binary @"$TMP/upload"
  expect_eq "6291456 $sum 6291456" \
    "$(json '"\(.body.bytes) \(.body.sha256) \(.headers["content-length"])"')" \
    "upload with a length"
  http PUT "$G/debug/echo" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/upload"
  expect_eq "6291456 $sum chunked" \
    "$(json '"\(.body.bytes) \(.body.sha256) \(.headers["transfer-encoding"])"')" "chunked upload"
  expected=$(pattern_sha 6000000)
  got=$(curl -sS -D "$TMP/h" "$G/debug/bytes/6000000" | sha256sum | cut -c1-64)
  expect_eq "$expected 6000000" "$got $(saved_header content-length)" "download with a length"
  got=$(curl -sS -D "$TMP/h" "$G/debug/bytes/6000000?chunked=true" | sha256sum | cut -c1-64)
  expect_eq "$expected chunked" "$got $(saved_header transfer-encoding)" "chunked download"
  # The upstream sends 3700 bytes, waits 1.5 s, then the rest: a buffering proxy would hold
  # the first bytes back until the end.
  read -r first total < <(curl -sS -o "$TMP/slow" -w '%{time_starttransfer} %{time_total}\n' \
    "$G/debug/bytes/100000?pause_ms=1500")
  expect_le 1.0 "$first" "seconds to the first byte"
  awk -v t="$total" 'BEGIN { exit !(t >= 1.5) }' \
    || fail "the body took $total s, less than the upstream's pause"
  expect_eq "$(pattern_sha 100000)" "$(sha256sum <"$TMP/slow" | cut -c1-64)" "slow body"
}

# rss_peak CONTAINER FILE: samples the RSS of CONTAINER's PID 1 every 0.1 s until FILE
# exists, then prints the highest, in MB. (It reads /proc itself: a `docker inspect` per
# sample would keep dockerd, and with it the containers' healthchecks, busy.)
rss_peak() {
  local pid kb peak=0
  pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  until [ -e "$2" ]; do
    kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
    [ "$kb" -gt "$peak" ] && peak=$kb
    sleep 0.1
  done
  awk -v kb="$peak" 'BEGIN { printf "%.1f", kb / 1024 }'
}

test_memory_stays_bounded_while_streaming_a_large_body() {
  # 64 MiB each way, as large as a gateway's whole heap (a quarter of its 256 MiB): a gateway
  # that held a body whole could not, and would stop with an OutOfMemoryError.
  local size=$((64 << 20)) gateway before peak got
  gateway=$(container gateway)
  before=$(rss_mb "$gateway")
  rm -f "$TMP/done"; rss_peak "$gateway" "$TMP/done" >"$TMP/peak" &
  got=$(curl -sS "$G/debug/bytes/$size" | sha256sum | cut -c1-64)
  touch "$TMP/done"; wait; peak=$(cat "$TMP/peak")
  echo "report: download of 64 MiB: gateway RSS $before MB before, at most $peak MB during"
  expect_eq "$(pattern_sha "$size")" "$got" "the downloaded body"
  expect_le 32 "$(awk -v a="$peak" -v b="$before" 'BEGIN { print a - b }')" \
    "MB the gateway grew while it passed 64 MiB on"
  # Uploads: the second gateway's /big allows 64 MiB (challenges/5/routes.conf: 8 MiB).
  head -c "$size" /dev/urandom >"$TMP/big"
  before=$(rss_mb "$GATEWAY_2")
  rm -f "$TMP/done"; rss_peak "$GATEWAY_2" "$TMP/done" >"$TMP/peak" &
  HTTP_TIMEOUT=60 http PUT "$G2/big/echo" --data-binary @"$TMP/big"
  touch "$TMP/done"; wait; peak=$(cat "$TMP/peak")
  echo "report: upload of 64 MiB: gateway RSS $before MB before, at most $peak MB during"
  expect_eq "200 $size $(sha256sum <"$TMP/big" | cut -c1-64)" \
    "$STATUS $(json '"\(.body.bytes) \(.body.sha256)"')" "the uploaded body, as the echo got it"
  expect_le 32 "$(awk -v a="$peak" -v b="$before" 'BEGIN { print a - b }')" \
    "MB the gateway grew while it passed 64 MiB on"
  rm -f "$TMP/big"
  expect_eq "$GATEWAY_STARTED" "$(started_at gateway)" "gateway start time (never restarted)"
}

test_overview_combines_both_services() {
  http GET "$G/api/overview"
  expect_eq 200 "$STATUS"
  expect_eq 'false 0 3 5 5' "$(json '[.partial, (.missing | length), .users.total,
    .products.total, (.products.items | length)] | map(tostring) | join(" ")')"
  expect_eq "$(hostname_of users-service) $(hostname_of products-service)" \
    "$(json '"\(.users.served_by) \(.products.served_by)"')" "replicas that answered"
}

test_requests_spread_over_three_replicas() {
  # Waits for products-service alone: the gateway's health is not this test's business.
  GATEWAY_PORT=$PORT compose up -d --wait --scale products-service=3 products-service
  scaled=$(now_ms)
  expected=$(for i in 1 2 3; do hostname_of products-service "$i"; done | sort | paste -sd' ')
  three_answer() { [ "$(served_by /products/1 6 | sort -u | paste -sd' ')" = "$expected" ]; }
  wait_for 20 "all three replicas answering" three_answer
  took=$(( $(now_ms) - scaled ))
  echo "report: the gateway reached all three replicas $took ms after they were healthy"
  # The README's "within 2 s" (the gateway's cached name), and 1 s for six requests on a busy
  # two-core machine.
  expect_le 3000 "$took" "ms until the gateway spread requests over the new replicas"
  counts=$(served_by /products/1 30 | sort | uniq -c | awk '{ print $1 }' | paste -sd' ')
  expect_eq "10 10 10" "$counts" "answers per replica, round robin"
  expect_eq "$GATEWAY_STARTED" "$(started_at gateway)" "gateway start time (never restarted)"
}

test_a_stopped_replica_is_skipped_and_rejoins() {
  victim=$(hostname_of products-service 2) id=$(container products-service 2)
  docker stop "$id" >/dev/null
  codes=$(for _ in $(seq 12); do curl -s -o /dev/null -w '%{http_code} ' "$G/products/1"; done)
  expect_eq "$(printf '200 %.0s' {1..12})" "$codes" "answers while one replica is down"
  [[ "$(served_by /products/1 6)" != *"$victim"* ]] || fail "the stopped replica answered"
  docker start "$id" >/dev/null
  rejoined() { local seen; seen=$(served_by /products/1 3); grep -qx "$victim" <<<"$seen"; }
  wait_for 40 "the restarted replica back in turn" rejoined
}

test_health_and_metrics_report_upstreams() {
  http GET "$G/health"
  expect_eq "200 up" "$STATUS $(json .status)"
  expect_eq "up 1 up 3" "$(json '.upstreams | [.["users-service"], .["products-service"]]
    | map("\(.status) \(.replicas | length)") | join(" ")')" "upstreams and their replicas"
  ok='gateway_requests_total{route="/catalog",status="200"}'
  missing='gateway_requests_total{route="/catalog",status="404"}'
  ok_before=$(metric "$ok") missing_before=$(metric "$missing")
  for id in 1 2 3 999; do curl -s -o /dev/null "$G/catalog/$id"; done
  expect_eq "$(( ok_before + 3 )) $(( missing_before + 1 ))" \
    "$(metric "$ok") $(metric "$missing")" "counted by route and status"
}

# echo_posts: the POST /debug/echo requests that products-service's replicas logged.
echo_posts() {
  local c n=0
  for c in $(compose ps -q products-service); do
    n=$(( n + $(docker logs "$c" 2>&1 | grep '"msg":"request"' \
      | grep -c '"method":"POST","path":"/debug/echo"' || true) ))
  done
  echo "$n"
}

test_a_request_with_a_body_is_never_sent_twice() {
  # A fourth "replica" of products-service: a container with its name that listens on
  # nothing, so every connection to it is refused. A GET it refused goes to another replica;
  # a POST that met it is answered 502: a body is sent once, whatever happens.
  trap 'docker rm -f "$REFUSING" >/dev/null 2>&1' EXIT
  docker run -d --name "$REFUSING" --label "test.run=$TEST_RUN_ID" \
    --network "${COMPOSE_PROJECT_NAME}_back" --network-alias products-service busybox:1.37 \
    sleep 300 >/dev/null
  local before sent=0
  before=$(echo_posts)
  # Within 2 s the gateway resolves the name again; then one POST in four meets the refusal.
  for _ in $(seq 60); do
    http POST "$G/debug/echo" -H 'Content-Type: text/plain' --data 'sent once'
    sent=$((sent + 1))
    [ "$STATUS" = 200 ] || break
    sleep 0.1
  done
  expect_problem 502
  expect_eq /problems/refused "$(json .type)" "type"
  expect_eq 'route /debug: products-service refused the connection' "$(json .detail)" "detail"
  echo "report: the POST that met the refusing replica was number $sent"
  expect_eq "$((sent - 1))" "$(( $(echo_posts) - before ))" \
    "POSTs that reached a real replica (all but the refused one)"
  docker rm -f "$REFUSING" >/dev/null
  trap - EXIT
  wait_for 10 "the gateway to forget the refusing replica" \
    bash -c "curl -sf '$G/health' | jq -en 'input | .upstreams[\"products-service\"].replicas | length == 3'"
}

test_stopped_upstream_is_502_and_recovers() {
  trap 'compose start users-service >/dev/null 2>&1' EXIT
  compose stop users-service
  http GET "$G/users/1"
  expect_problem 502
  expect_match '^/problems/(no-replica|refused|connect-timeout)$' "$(json .type)"
  http GET "$G/api/overview"
  expect_eq "200 true null 5" "$STATUS $(json '"\(.partial) \(.users) \(.products.total)"')"
  expect_eq "users 502" "$(json '.missing[] | "\(.part) \(.status)"')" "missing part"
  # /health asks the upstreams at most once a second (a flood of it costs them nothing), so the
  # answer from just before the stop may stand for up to a second.
  wait_for 5 "/health to see users-service down" bash -c "curl -s '$G/health' \
    | jq -en 'input | .status == \"degraded\" and .upstreams[\"users-service\"].status == \"down\"'"
  http GET "$G/health"
  expect_eq "200 degraded down up" \
    "$STATUS $(json '.status + " " + .upstreams["users-service"].status + " "
      + .upstreams["products-service"].status')"
  compose start users-service
  trap - EXIT
  wait_for 40 "users-service answering again" answers 200 /users/1
  http GET "$G/api/overview"
  expect_eq "200 false 3" "$STATUS $(json '"\(.partial) \(.users.total)"')"
  expect_eq "$GATEWAY_STARTED" "$(started_at gateway)" "gateway start time (never restarted)"
}

test_paused_upstream_is_504_within_the_route_timeout() {
  trap 'for c in $(compose ps -q --status paused); do docker unpause "$c" >/dev/null; done
    compose start users-service >/dev/null 2>&1' EXIT
  freeze $(compose ps -q products-service)
  # curl's own clock: a busy machine's process start-up is not the gateway's time.
  read -r code seconds < <(curl -sS -o "$TMP/body" -D "$TMP/h" \
    -w '%{http_code} %{time_total}\n' --max-time 10 "$G/products/1")
  BODY=$(cat "$TMP/body")
  expect_eq "504 /problems/timeout 504" "$code $(json '.type + " " + (.status | tostring)')"
  expect_match '^application/problem\+json' "$(saved_header content-type)" "content-type"
  expect_le 2.5 "$seconds" "seconds to the 504 (route timeout 2 s)"
  awk -v s="$seconds" 'BEGIN { exit !(s >= 2.0) }' \
    || fail "504 after $seconds s, before the 2 s timeout"
  http GET "$G/api/overview"
  expect_eq "200 true 3 products 504" \
    "$STATUS $(json '"\(.partial) \(.users.total) \(.missing[0].part) \(.missing[0].status)"')"
  compose stop users-service
  http GET "$G/api/overview"
  expect_problem 502
  expect_eq "users 502,products 504" "$(json '[.missing[] | "\(.part) \(.status)"] | join(",")')"
  for c in $(compose ps -q products-service); do docker unpause "$c" >/dev/null; done
  compose start users-service
  trap - EXIT
  wait_for 40 "products answering again" answers 200 /products/1
  wait_for 40 "users answering again" answers 200 /users/1
}

test_overview_is_504_when_both_services_time_out() {
  trap 'for c in $(compose ps -q --status paused); do docker unpause "$c" >/dev/null; done' EXIT
  freeze $(compose ps -q users-service) $(compose ps -q products-service)
  read -r code seconds < <(curl -sS -o "$TMP/body" -D "$TMP/h" \
    -w '%{http_code} %{time_total}\n' --max-time 10 "$G/api/overview")
  BODY=$(cat "$TMP/body") STATUS=$code HEADERS=$(tr -d '\r' <"$TMP/h" | sed 's/^\([^:]*\):/\L\1:/')
  expect_problem 504
  expect_eq "users 504 timeout,products 504 timeout" \
    "$(json '[.missing[] | "\(.part) \(.status) \(.reason)"] | join(",")')" "missing parts"
  # Both are asked at once: the route timeout (2 s) once, not twice; 0.5 s for a busy machine.
  expect_le 2.5 "$seconds" "seconds to the 504"
  for c in $(compose ps -q --status paused); do docker unpause "$c" >/dev/null; done
  trap - EXIT
  wait_for 40 "the overview whole again" \
    bash -c "curl -sf '$G/api/overview' | jq -en 'input | .partial == false'"
}

test_malformed_routes_file_stops_the_gateway() {
  printf '/users users-service:8080\n\n/products products-service timeout=2s\n' >"$TMP/bad.conf"
  printf '/users users-service:8080 timout=2s\n' >"$TMP/typo.conf"
  chmod 644 "$TMP"/*.conf
  for case in "bad.conf:3: upstream \"products-service\" must be host:port" \
      "typo.conf:1: unknown option \"timout=2s\" (expected timeout=, rewrite=, max-body=, writes=, rate= or burst=)"; do
    file=${case%%:*} rest=${case#*:}
    docker_run_bounded 30 --network none -v "$TMP/$file:/etc/gateway/routes.conf:ro" \
      "$IMAGE_PREFIX/gateway:$VERSION"
    expect_eq 2 "$RC" "exit status for $file"
    expect_eq "cannot start: routes file /etc/gateway/routes.conf line ${rest%%:*}:${rest#*:}" \
      "$(jq -r 'select(.level == "error") | .msg' <<<"$OUT")" "message for $file"
  done
}

# --- Each service's own data: PostgreSQL (one database and one role each) and Redis.

# psql_as ROLE DATABASE SQL: psql as ROLE, with its password (the secret file), from a
# throwaway postgres:17 on ROLE's data network (users-data, products-data), against the
# postgres service; sets OUT (psql's answer, tuples only) and RC.
psql_as() {
  docker_run_bounded 30 --network "${COMPOSE_PROJECT_NAME}_$1-data" -e PGCONNECT_TIMEOUT=5 \
    -e PGPASSWORD="$(cat "$ROOT/challenges/5/secrets/$1-db-password")" postgres:17 \
    psql -h postgres -U "$1" -d "$2" -qtA -v ON_ERROR_STOP=1 -c "$3"
}

test_each_role_reaches_its_own_database_only() {
  local role other
  for role in users products; do
    other=$([ "$role" = users ] && echo products || echo users)
    psql_as "$role" "$role" "SELECT current_user || ' ' || current_database()"
    expect_eq "0 $role $role" "$RC $OUT" "$role in its own database"
    psql_as "$role" "$role" "SELECT count(*) > 0 FROM $role"
    expect_eq "0 t" "$RC $OUT" "$role reading its own table"
    # The other database refuses the connection itself, and so does the server's own.
    for db in "$other" postgres; do
      psql_as "$role" "$db" "SELECT 1"
      expect_eq 2 "$RC" "psql's exit status for $role in database $db"
      expect_match "permission denied for database \"$db\"" "$OUT" "$role connecting to $db"
    done
    # In its own database the other's table does not exist: no query reaches across.
    for sql in "SELECT count(*) FROM $other" "INSERT INTO $other (name) VALUES ('x')" \
        "DELETE FROM $other"; do
      psql_as "$role" "$role" "$sql"
      expect_eq 1 "$RC" "psql's exit status for $role: $sql"
      expect_match "relation \"$other\" does not exist" "$OUT" "$role: $sql"
    done
  done
}

# read_n PATH N: N GETs of PATH through the gateway, one line each: the replica that answered,
# the status, X-Cache, and the body without its request id (a problem's differs every time).
read_n() {
  local i
  for i in $(seq "$2"); do
    curl -sS -D "$TMP/h.$i" -o "$TMP/b.$i" "$G$1"
    printf '%s %s %s %s\n' "$(saved_header_of "$TMP/h.$i" x-served-by)" \
      "$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$TMP/h.$i")" \
      "$(saved_header_of "$TMP/h.$i" x-cache)" "$(jq -c 'del(.request_id)' "$TMP/b.$i")"
  done
}
saved_header_of() { tr -d '\r' <"$1" | awk -F': ' -v n="$2" 'tolower($1) == n { print $2 }'; }

# alike PATH REPLICAS STATUS BODY: 30 reads of PATH through the gateway reach REPLICAS
# replicas, and every answer is STATUS with BODY (jq -c, no request id).
alike() {
  local lines
  lines=$(read_n "$1" 30)
  expect_eq "$2" "$(awk '{ print $1 }' <<<"$lines" | sort -u | wc -l)" \
    "replicas that answered $1" || return
  expect_eq "$3 $4" "$(cut -d' ' -f2,4- <<<"$lines" | sort -u)" "every answer to $1"
}

# replicas_answer PATH N: the gateway spreads GETs of PATH over N replicas.
replicas_answer() { [ "$(served_by "$1" $(( $2 * 3 )) | sort -u | wc -l)" = "$2" ]; }

test_every_replica_answers_every_read_alike() {
  GATEWAY_PORT=$PORT compose up -d --wait --scale products-service=3 --scale users-service=2 \
    users-service products-service
  wait_for 20 "the gateway to reach both users replicas" replicas_answer /users/1 2
  wait_for 20 "the gateway to reach the three products replicas" replicas_answer /products/1 3
  # A product created through one replica is what every replica answers, at once.
  send_json POST /products '{"sku": "SHARED-01", "name": "Shared", "price_cents": 10,
    "stock": 3}'
  expect_eq 201 "$STATUS" "create"
  local id row
  id=$(json .id) row=$(jq -c . <<<"$BODY")
  alike "/products/$id" 3 200 "$row"
  # An update deletes the cached copy for all: the first read after it stores the new row in
  # Redis, whichever replica it reaches, and every other read is a hit on it.
  send_json PATCH "/products/$id" '{"stock": 2}'
  expect_eq 200 "$STATUS" "update"
  expect_eq "HIT 29 MISS 1" "$(read_n "/products/$id" 30 | awk '{ print $3 }' | sort \
    | uniq -c | awk '{ print $2, $1 }' | paste -sd' ')" "X-Cache of 30 reads after the update"
  alike "/products/$id" 3 200 "$(jq -c '.stock = 2' <<<"$row")"
  alike "/products?limit=100" 3 200 \
    "$(curl -sS -H 'Cache-Control: no-cache' "$G/products?limit=100" | jq -c .)"
  http DELETE "$G/products/$id"
  expect_eq 204 "$STATUS" "delete"
  http GET "$G/products/$id"
  expect_problem 404
  alike "/products/$id" 3 404 "$(jq -c 'del(.request_id)' <<<"$BODY")"
  # The same for users, which read PostgreSQL every time.
  send_json POST /users '{"name": "Shared User", "email": "shared@example.org"}'
  expect_eq 201 "$STATUS" "create a user"
  id=$(json .id)
  send_json PUT "/users/$id" '{"name": "Shared Again", "email": "shared@example.org"}'
  alike "/users/$id" 2 200 "$(jq -c . <<<"$BODY")"
  http DELETE "$G/users/$id"
  expect_eq 204 "$STATUS" "delete a user"
  http GET "$G/users/$id"
  expect_problem 404
  alike "/users/$id" 2 404 "$(jq -c 'del(.request_id)' <<<"$BODY")"
}

# rows: what both services hold, read from PostgreSQL through the gateway (products with
# no-cache): each list's total and items. Fails on any answer but a 200.
rows() {
  curl -sS --fail-with-body "$G/users?limit=100" | jq -c '[.total, .items]' \
    && curl -sS --fail-with-body -H 'Cache-Control: no-cache' "$G/products?limit=100" \
      | jq -c '[.total, .items]'
}
# serving: both services answer through the gateway, products from PostgreSQL, six times in
# a row each: the gateway takes the replicas in turn, and each one finds its database again by
# itself (a probe every 2 s at most), so one answer would speak for one replica only.
serving() {
  local _
  for _ in 1 2 3 4 5 6; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$G/users/1")" = 200 ] \
      && [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Cache-Control: no-cache' \
        "$G/products/1")" = 200 ] || return 1
  done
}
# totals: "USERS PRODUCTS", the row counts of both lists.
totals() { rows | jq -r '.[0]' | paste -sd' '; }

test_rows_survive_a_kill_of_every_service_and_a_postgres_restart() {
  send_json POST /users '{"name": "Survivor", "email": "survivor@example.org"}'
  expect_eq 201 "$STATUS" "a user written before the kills"
  send_json POST /products '{"sku": "SURVIVOR-01", "name": "Survivor", "price_cents": 1,
    "stock": 1}'
  expect_eq 201 "$STATUS" "a product written before the kills"
  local before service started
  before=$(rows)
  echo "report: rows before: $(totals) (users, products)"
  for service in users-service products-service gateway postgres redis; do
    # SIGKILL: no shutdown at all. Docker restarts no container after `docker kill` (it counts
    # as a manual stop), so they are started again by hand.
    docker kill -s KILL $(compose ps -q "$service") >/dev/null
    started=$(now_ms)
    docker start $(compose ps -aq "$service") >/dev/null
    wait_for 60 "both services serving after a kill of $service" serving
    echo "report: served again $(( $(now_ms) - started )) ms after $service was killed"
    expect_eq "$before" "$(rows)" "rows after a kill of $service"
  done
  compose restart postgres
  wait_for 60 "both services serving after a restart of PostgreSQL" serving
  expect_eq "$before" "$(rows)" "rows after a restart of PostgreSQL"
}

# A read that PostgreSQL must answer, the same with a write, and one Redis may answer.
UNCACHED=(/products/3 -H 'Cache-Control: no-cache')
# timed METHOD PATH [CURL_ARGS...]: `http` through the gateway; MS is how long it took, by
# curl's clock.
timed() {
  http "$1" "$G$2" -w '%{http_code} %{time_total}' "${@:3}"
  MS=$(awk -v t="${STATUS#* }" 'BEGIN { printf "%d", t * 1000 }')
  STATUS=${STATUS%% *}
}
# java_starts: the start time of every Java container of the project (a restart changes it).
java_starts() {
  docker inspect -f '{{.Name}} {{.State.StartedAt}}' \
    $(compose ps -q gateway users-service products-service) | sort
}
# cached_reads_warm: product 2 and the overview's page of products are in Redis. First every
# products replica must be ready: one that finds Redis again empties its cached rows (a write
# may have made them stale meanwhile), which would undo what this stores.
cached_reads_warm() {
  local path
  wait_for 20 "every products replica ready" products_ready "$(compose ps -q products-service | wc -l)"
  for path in /products/2 '/products?limit=5'; do
    http GET "$G$path"
    http GET "$G$path"
    expect_eq "200 HIT" "$STATUS $(header x-cache)" "a second read of $path" || return
  done
}

# without_postgres HOW: with PostgreSQL stopped or paused (HOW), cached products are served,
# the overview is partial, and every read that needs PostgreSQL and every write is a 503
# problem naming it within a second; once it is back, everything answers again, nothing
# restarted.
without_postgres() {
  local starts ended
  starts=$(java_starts)
  cached_reads_warm
  case $1 in stopped) compose stop postgres ;; paused) freeze "$(container postgres)" ;; esac
  timed GET /products/2
  expect_eq "200 HIT" "$STATUS $(header x-cache)" "a cached product"
  # Before any write is tried: a write cut off by the deadline may still commit, so when it
  # ends its service forgets the cached pages it may have changed (the overview's among them).
  http GET "$G/api/overview"
  expect_eq "200 true users 5" \
    "$STATUS $(json '"\(.partial) \(.missing[0].part) \(.products.items | length)"')" \
    "overview: users missing, products from the cache"
  for attempt in 1 2 3; do
    for request in uncached write user; do
      case $request in
        uncached) timed GET "${UNCACHED[@]}" ;;
        write) timed POST /products -H 'Content-Type: application/json' \
          --data '{"sku": "NEVER-01", "name": "Never", "price_cents": 1, "stock": 1}' ;;
        user) timed GET /users/1 ;;
      esac
      expect_problem 503
      expect_match '^PostgreSQL is unavailable' "$(json .detail)" "detail of the $request"
      expect_le "$THROUGH_THE_GATEWAY_WITHIN_A_SECOND_MS" "$MS" "ms for the $request, attempt $attempt"
    done
  done
  case $1 in stopped) compose start postgres ;; paused) docker unpause "$(container postgres)" ;; esac
  ended=$(now_ms)
  wait_for 30 "both services serving again" serving
  echo "report: PostgreSQL $1: served again $(( $(now_ms) - ended )) ms after it was back"
  send_json POST /users '{"name": "After", "email": "after-'"$1"'@example.org"}'
  expect_eq 201 "$STATUS" "a write after PostgreSQL was back"
  expect_eq "$starts" "$(java_starts)" "start times of the Java services (none restarted)"
}

test_postgres_stopped_cached_reads_stay_the_rest_is_503_within_a_second() {
  trap 'compose start postgres >/dev/null 2>&1' EXIT
  without_postgres stopped
}

test_postgres_paused_cached_reads_stay_the_rest_is_503_within_a_second() {
  trap 'docker unpause "$(container postgres)" >/dev/null 2>&1' EXIT
  without_postgres paused
}

# without_redis HOW: with Redis stopped or paused, reads come from PostgreSQL (BYPASS) and
# writes still work; once it is back, every replica answers the written row, none a stale one.
without_redis() {
  local row
  wait_for 20 "every products replica ready" products_ready 3
  cached_reads_warm
  case $1 in stopped) compose stop redis ;; paused) freeze "$(container redis)" ;; esac
  for attempt in 1 2 3; do
    timed GET /products/2
    expect_eq "200 BYPASS" "$STATUS $(header x-cache)" "read $attempt"
    expect_le "$THROUGH_THE_GATEWAY_WITHIN_A_SECOND_MS" "$MS" "ms for read $attempt"
  done
  send_json PATCH /products/2 '{"stock": 77}'
  expect_eq "200 77" "$STATUS $(json .stock)" "a write while Redis is $1"
  row=$(jq -c . <<<"$BODY")
  case $1 in stopped) compose start redis ;; paused) docker unpause "$(container redis)" ;; esac
  # Every replica ready again: each one that saw Redis fail (the writer among them) has
  # emptied the cache before using it again (README, "One truth for every replica").
  wait_for 20 "every products replica using Redis again" products_ready 3
  alike /products/2 3 200 "$row"
}
# products_ready N: the gateway's /health finds N products replicas, all ready.
products_ready() {
  curl -sf "$G/health" | jq -en --argjson n "$1" 'input | .upstreams["products-service"].replicas
    | length == $n and all(.state == "ready")' >/dev/null
}

test_redis_stopped_reads_bypass_writes_work_and_nothing_stale_returns() {
  trap 'compose start redis >/dev/null 2>&1' EXIT
  without_redis stopped
}

test_redis_paused_reads_bypass_writes_work_and_nothing_stale_returns() {
  trap 'docker unpause "$(container redis)" >/dev/null 2>&1' EXIT
  without_redis paused
}

test_down_and_up_keep_the_rows_in_the_volume() {
  local before
  before=$(rows)
  # The second gateway holds the project's networks: `down` could not remove them.
  docker rm -f "$GATEWAY_2" >/dev/null
  compose down
  expect_eq "${COMPOSE_PROJECT_NAME}_pg-data" \
    "$(docker volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")" \
    "volumes after down"
  GATEWAY_PORT=$PORT compose up -d --wait
  wait_for 60 "both services serving" serving
  expect_eq "$before" "$(rows)" "rows after down and up"
}
