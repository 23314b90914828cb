# Challenge 5's guards on the published port: API keys for writes, rate limits per client
# address, CORS for listed origins. The gateway runs with tests/5-security/routes.conf (writes
# need a key on /users and /products, /catalog allows 3 requests and then one every 2 s).

project gateway-security 5

setup() {
  remember PORT "$(free_port)"
  remember G "http://127.0.0.1:$PORT"
  remember TMP "$(mktemp -d)"
  remember KEY "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  # The gateway (user 10001) reads the bind-mounted file itself: 644 in a 700 folder.
  (umask 022 && printf '# test key\n%s\n' "$KEY" >"$TMP/api-keys")
  make -s -C "$ROOT" secrets-5 >/dev/null   # the database passwords, as make run-5 makes them
  GATEWAY_PORT=$PORT GATEWAY_ROUTES=$TESTS_DIR/5-security/routes.conf \
    GATEWAY_API_KEYS_FILE=$TMP/api-keys GATEWAY_CORS_ORIGINS=https://shop.example.org \
    compose up -d --wait
}

teardown() {
  compose down -v --remove-orphans
  rm -rf "$TMP"
}

send_json() { http "$1" "$G$2" -H 'Content-Type: application/json' --data-binary "$3" "${@:4}"; }
users() { curl -sS "$G/users?limit=100" | jq -c .; }
products() { curl -sS "$G/products?limit=100" | jq -c .; }

# expect_unauthorized: the last answer is 401 problem+json naming the header to send.
expect_unauthorized() {
  expect_problem 401 || return
  expect_eq 'ApiKey header="X-Api-Key"' "$(header www-authenticate)" "WWW-Authenticate"
}

test_reads_need_no_key() {
  http GET "$G/users/1"
  expect_eq "200 ada@example.org" "$STATUS $(json .email)" "user 1 without a key"
  http GET "$G/products/2"
  expect_eq "200 NOTEBOOK-A5" "$STATUS $(json .sku)" "product 2 without a key"
}

test_writes_without_a_key_are_refused_and_change_nothing() {
  local before; before=$(users)
  send_json POST /users '{"name": "Mallory", "email": "mallory@example.org"}'
  expect_unauthorized
  expect_eq 'a write to /users needs an API key in the X-Api-Key header' "$(json .detail)"
  send_json PUT /users/1 '{"name": "Mallory", "email": "mallory@example.org"}'
  expect_unauthorized
  send_json PATCH /users/1 '{"name": "Mallory"}'
  expect_unauthorized
  http DELETE "$G/users/1"
  expect_unauthorized
  expect_eq "$before" "$(users)" "the users after four refused writes"
}

test_writes_with_a_wrong_key_are_refused_and_change_nothing() {
  local before; before=$(products)
  local wrong=(-H "X-Api-Key: ${KEY%?}x")
  send_json POST /products '{"sku": "EVIL-1", "name": "Evil", "price_cents": 1, "stock": 1}' \
    "${wrong[@]}"
  expect_unauthorized
  expect_eq 'the API key in X-Api-Key is not valid' "$(json .detail)"
  send_json PUT /products/1 '{"sku": "EVIL-1", "name": "Evil", "price_cents": 1, "stock": 1}' \
    "${wrong[@]}"
  expect_unauthorized
  send_json PATCH /products/1 '{"stock": 0}' "${wrong[@]}"
  expect_unauthorized
  http DELETE "$G/products/1" -H 'X-Api-Key: '
  expect_unauthorized
  http DELETE "$G/products/1" -H "X-Api-Key: $KEY$KEY"
  expect_unauthorized
  expect_eq "$before" "$(products)" "the products after five refused writes"
}

test_writes_with_the_key_work() {
  local key=(-H "X-Api-Key: $KEY")
  send_json POST /users '{"name": "Barbara Liskov", "email": "barbara@example.org"}' "${key[@]}"
  expect_eq 201 "$STATUS" "POST with the key"
  local id; id=$(json .id)
  send_json PUT "/users/$id" '{"name": "B. Liskov", "email": "liskov@example.org"}' "${key[@]}"
  expect_eq "200 B. Liskov" "$STATUS $(json .name)" "PUT with the key"
  send_json PATCH "/users/$id" '{"name": "BL"}' "${key[@]}"
  expect_eq "200 BL" "$STATUS $(json .name)" "PATCH with the key"
  http DELETE "$G/users/$id" "${key[@]}"
  expect_eq 204 "$STATUS" "DELETE with the key"
  http GET "$G/users/$id"
  expect_eq 404 "$STATUS" "user $id after DELETE"
}

test_a_route_with_writes_key_and_no_keys_does_not_start() {
  docker_run_bounded 30 --network none -e ROUTES_FILE=/etc/gateway/routes.conf \
    -v "$TESTS_DIR/5-security/routes.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION"
  expect_eq 2 "$RC" "exit status without API_KEYS_FILE"
  expect_match 'route /[a-z]+ \(line [0-9]+\) has writes=key but API_KEYS_FILE is not set' "$OUT"
  printf 'short-key\n' >"$TMP/short"; chmod 644 "$TMP/short"
  docker_run_bounded 30 --network none -e ROUTES_FILE=/etc/gateway/routes.conf \
    -e API_KEYS_FILE=/run/keys -v "$TMP/short:/run/keys:ro" \
    -v "$TESTS_DIR/5-security/routes.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION"
  expect_eq 2 "$RC" "exit status with a short key"
  expect_match 'API keys file /run/keys line 1: a key must have at least 16 characters' "$OUT"
  [[ $OUT != *short-key* ]] || fail "the log shows the key: $OUT"
}

test_a_burst_above_the_limit_gets_429_with_retry_after() {
  # /catalog: 3 at once, then one every 2 s.
  for i in 1 2 3; do
    http GET "$G/catalog/1"
    expect_eq "200 3 $((3 - i))" "$STATUS $(header ratelimit-limit) $(header ratelimit-remaining)" \
      "request $i: status, RateLimit-Limit and -Remaining"
  done
  http GET "$G/catalog/1"
  expect_problem 429
  # One token every 2 s, part of which came back during the burst: 1 or 2 s to wait.
  expect_match '^[12]$' "$(header retry-after)" "Retry-After"
  expect_eq "3 0" "$(header ratelimit-limit) $(header ratelimit-remaining)" "limit headers"
  # Another X-Forwarded-For is not another client: the limit is per TCP peer.
  http GET "$G/catalog/1" -H 'X-Forwarded-For: 203.0.113.7'
  expect_eq 429 "$STATUS" "with a made-up X-Forwarded-For"
  # After Retry-After seconds, one request passes again.
  sleep "$(header retry-after)"
  http GET "$G/catalog/1"
  expect_eq 200 "$STATUS" "after waiting Retry-After"
}

test_traffic_under_the_limit_never_gets_429() {
  # /products allows 50 at once and 50/s: 40 requests in a row stay under it.
  local codes
  codes=$(for _ in $(seq 40); do
    curl -sS -o /dev/null -w '%{http_code}\n' "$G/products/1"
  done | sort | uniq -c | awk '{ print $2 "x" $1 }' | paste -sd,)
  expect_eq 200x40 "$codes" "status counts of 40 requests"
  http GET "$G/users/1"
  expect_eq "" "$(header ratelimit-limit)" "RateLimit-Limit on a route without rate="
}

test_preflight_from_an_allowed_origin_passes() {
  http OPTIONS "$G/products/1" -H 'Origin: https://shop.example.org' \
    -H 'Access-Control-Request-Method: PATCH' \
    -H 'Access-Control-Request-Headers: content-type, x-api-key'
  expect_eq 204 "$STATUS" "preflight status"
  expect_eq https://shop.example.org "$(header access-control-allow-origin)" "Allow-Origin"
  expect_eq "GET, HEAD, POST, PUT, PATCH, DELETE" "$(header access-control-allow-methods)" \
    "Allow-Methods"
  expect_eq "Content-Type, X-Api-Key, X-Request-Id" "$(header access-control-allow-headers)" \
    "Allow-Headers"
  expect_eq 600 "$(header access-control-max-age)" "Max-Age"
  expect_eq Origin "$(header vary)" "Vary"
  # The request that follows: the browser may read the answer.
  http GET "$G/products/1" -H 'Origin: https://shop.example.org'
  expect_eq "200 https://shop.example.org" "$STATUS $(header access-control-allow-origin)"
}

test_preflight_from_another_origin_does_not() {
  for origin in https://evil.example.org http://shop.example.org https://shop.example.org.evil; do
    http OPTIONS "$G/products/1" -H "Origin: $origin" -H 'Access-Control-Request-Method: DELETE'
    expect_problem 403
    expect_eq "" "$(header access-control-allow-origin)" "Allow-Origin for $origin"
    expect_eq "" "$(header access-control-allow-methods)" "Allow-Methods for $origin"
  done
  http GET "$G/products/1" -H 'Origin: https://evil.example.org'
  expect_eq "200 " "$STATUS $(header access-control-allow-origin)" "a GET from another origin"
  # An OPTIONS that is no preflight still reaches the upstream.
  http OPTIONS "$G/products/1"
  expect_eq "" "$(header access-control-allow-origin)"
  [ "$STATUS" != 204 ] || fail "a plain OPTIONS was answered as a preflight"
}

test_routes_that_guard_one_upstream_differently_do_not_start() {
  printf '/products products-service:8080 writes=key\n/catalog products-service:8080 rewrite=/products\n' \
    >"$TMP/open-door.conf"
  chmod 644 "$TMP/open-door.conf"
  docker_run_bounded 30 --network none -e ROUTES_FILE=/etc/gateway/routes.conf \
    -e API_KEYS_FILE=/run/keys -v "$TMP/api-keys:/run/keys:ro" \
    -v "$TMP/open-door.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION"
  expect_eq 2 "$RC" "exit status"
  expect_match 'line 2: writes=open but /products \(line 1\) reaches the same upstream products-service with writes=key' \
    "$OUT"
}

test_the_overview_is_rate_limited_like_its_parts() {
  # A second gateway whose /users and /products allow 2 requests, then one every 10 s: an
  # overview asks both, so it takes a token from each, and the third in a row is refused.
  local g2 port2; g2=test-gateway-overview-$TEST_RUN_ID port2=$(free_port)
  trap "docker rm -f $g2 >/dev/null 2>&1" EXIT
  docker run -d --name "$g2" --label "test.run=$TEST_RUN_ID" \
    --network "${COMPOSE_PROJECT_NAME}_front" -p "127.0.0.1:$port2:8080" \
    -e API_KEYS_FILE=/run/keys -v "$TMP/api-keys:/run/keys:ro" \
    -v "$TESTS_DIR/5-security/routes-overview.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION" >/dev/null
  docker network connect "${COMPOSE_PROJECT_NAME}_back" "$g2"
  wait_for 30 "the second gateway reaching both services" \
    bash -c "curl -sf 'http://127.0.0.1:$port2/health' | jq -en 'input | .status == \"up\"'"
  for i in 1 2; do
    http GET "http://127.0.0.1:$port2/api/overview"
    expect_eq "200 false" "$STATUS $(json .partial)" "overview $i"
  done
  http GET "http://127.0.0.1:$port2/api/overview"
  expect_problem 429
  expect_match '^([1-9]|10)$' "$(header retry-after)" "Retry-After (seconds)"
  expect_eq 2 "$(header ratelimit-limit)" "RateLimit-Limit"
}

test_the_overview_answers_cors_like_the_routes() {
  http OPTIONS "$G/api/overview" -H 'Origin: https://shop.example.org' \
    -H 'Access-Control-Request-Method: GET'
  expect_eq "204 https://shop.example.org" "$STATUS $(header access-control-allow-origin)" \
    "preflight of the overview"
  http OPTIONS "$G/api/overview" -H 'Origin: https://evil.example.org' \
    -H 'Access-Control-Request-Method: GET'
  expect_problem 403
  http GET "$G/api/overview" -H 'Origin: https://shop.example.org'
  expect_eq "200 https://shop.example.org" "$STATUS $(header access-control-allow-origin)"
}

# Last: /catalog's rate limit (3, then one every 2 s) is spent by the burst test, and a
# refused write spends a token too; the burst test needs a full bucket, so it goes first.
test_every_route_to_a_guarded_upstream_needs_the_key() {
  # /catalog is /products under another name: a write through it needs the key too.
  local before deadline=$((SECONDS + 10)); before=$(products)
  send_json PATCH /catalog/1 '{"stock": 0}'
  # A 429 spends nothing: asked again until the bucket has a token (one every 2 s).
  while [ "$STATUS" = 429 ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.5; send_json PATCH /catalog/1 '{"stock": 0}'
  done
  expect_unauthorized
  expect_eq "$before" "$(products)" "the products after a write through /catalog"
}
