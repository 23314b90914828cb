# Challenge 5 over HTTPS (compose.yaml plus compose.tls.yaml, as `make run-5` runs it): the
# certificate the Makefile generates is the only one a client needs to trust, only TLS 1.2 and
# 1.3 are spoken, plain HTTP redirects (or is closed when configured so), and a keystore the
# password does not open stops the gateway with a message that says so.

project gateway-tls 5
TLS_OVERLAY=$ROOT/challenges/5/compose.tls.yaml

setup() {
  remember HTTP_PORT "$(free_port)"
  local tls_port; tls_port=$(free_port "$HTTP_PORT")
  remember TLS_PORT "$tls_port"
  remember TMP "$(mktemp -d)"
  remember KEYSTORE "$TMP/secrets/gateway.p12"
  remember CERT "$TMP/secrets/gateway.crt"
  # The same rule `make run-5` uses, aimed at this suite's folder.
  make -s -C "$ROOT" TLS_KEYSTORE_5="$KEYSTORE" TLS_CERT_5="$CERT" "$CERT" >/dev/null
  make -s -C "$ROOT" secrets-5 >/dev/null   # the database passwords, as make run-5 makes them
  tls_compose up -d --wait
}

teardown() {
  tls_compose down -v --remove-orphans
  rm -rf "$TMP"
}

# tls_compose ARGS...: docker compose on this suite's project with HTTPS switched on; the
# plain port redirects unless PLAIN_HTTP says otherwise.
tls_compose() {
  GATEWAY_PORT=$HTTP_PORT GATEWAY_TLS_PORT=$TLS_PORT GATEWAY_PLAIN_HTTP=${PLAIN_HTTP:-redirect} \
    GATEWAY_TLS_KEYSTORE_FILE=$KEYSTORE GATEWAY_TLS_PASSWORD_FILE=$KEYSTORE.password \
    compose -f "$TLS_OVERLAY" "$@"
}

# https PATH [CURL_ARGS...]: `http GET` over TLS, trusting the generated certificate.
https() { http GET "https://localhost:$TLS_PORT$1" --cacert "$CERT" "${@:2}"; }

test_https_works_with_the_generated_certificate() {
  https /users/1
  expect_eq "200 ada@example.org" "$STATUS $(json .email)" "user 1 over HTTPS"
  # The certificate names both names a client here uses.
  http GET "https://127.0.0.1:$TLS_PORT/products/2" --cacert "$CERT"
  expect_eq "200 NOTEBOOK-A5" "$STATUS $(json .sku)" "product 2 via 127.0.0.1"
}

test_https_fails_without_the_certificate() {
  local out code=0
  out=$(CURL_CA_BUNDLE='' curl -sS -o /dev/null "https://localhost:$TLS_PORT/users/1" 2>&1) \
    || code=$?
  expect_eq 60 "$code" "curl's exit status (60: the peer's certificate is not trusted)"
  expect_match 'self-signed certificate' "$out"
}

test_only_tls_1_2_and_1_3_are_spoken() {
  https /health --tlsv1.3
  expect_eq 200 "$STATUS" "/health over TLS 1.3"
  https /health --tlsv1.2 --tls-max 1.2
  expect_eq 200 "$STATUS" "/health over TLS 1.2"
  # SECLEVEL=0 lets this client offer TLS 1.1 at all: the refusal must be the server's.
  local out
  out=$(openssl s_client -connect "127.0.0.1:$TLS_PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' \
    </dev/null 2>&1) && fail "a TLS 1.1 handshake succeeded: $out"
  expect_match 'alert protocol version' "$out" "the server's answer to TLS 1.1"
}

test_the_upstream_learns_the_request_came_over_https() {
  https /debug/echo
  expect_eq "200 https" "$STATUS $(json '.headers["x-forwarded-proto"]')" "X-Forwarded-Proto"
}

test_plain_http_redirects_to_https_keeping_the_method() {
  http GET "http://127.0.0.1:$HTTP_PORT/users/1?fields=all"
  expect_eq 308 "$STATUS" "plain GET"
  expect_eq "https://127.0.0.1:$TLS_PORT/users/1?fields=all" "$(header location)" "Location"
  http POST "http://localhost:$HTTP_PORT/users" -H 'Content-Type: application/json' --data '{}'
  expect_eq "308 https://localhost:$TLS_PORT/users" "$STATUS $(header location)" "plain POST"
  # A Host that is no host name is not copied into the Location.
  http GET "http://127.0.0.1:$HTTP_PORT/users/1" -H 'Host: evil.example/x'
  expect_eq "https://localhost:$TLS_PORT/users/1" "$(header location)" "Location for a bad Host"
  # Following it lands on the real answer.
  http GET "http://localhost:$HTTP_PORT/users/1" -L --cacert "$CERT"
  expect_eq "200 ada@example.org" "$STATUS $(json .email)" "after following the redirect"
}

test_a_keystore_the_password_does_not_open_stops_the_gateway() {
  (umask 022 && echo wrong-password >"$TMP/wrong")
  docker_run_bounded 30 --network none \
    -e TLS_KEYSTORE=/run/ks -e TLS_KEYSTORE_PASSWORD_FILE=/run/pw \
    -v "$ROOT/challenges/5/routes.conf:/etc/gateway/routes.conf:ro" \
    -v "$KEYSTORE:/run/ks:ro" -v "$TMP/wrong:/run/pw:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION"
  expect_eq 2 "$RC" "exit status"
  expect_match 'TLS_KEYSTORE=.*/run/ks.*: expected a PKCS#12 keystore that .* opens .*password' \
    "$(grep -F 'invalid configuration' <<<"$OUT")"
  [[ $OUT != *wrong-password* ]] || fail "the log shows the password: $OUT"
}

# The healthcheck asks over plain HTTP on 127.0.0.1:8081 inside the container (a TLS handshake
# in a fresh JVM cost about 0.6 s of CPU per check); that port answers nobody outside it.
test_the_healthcheck_port_answers_only_inside_the_container() {
  local gateway; gateway=$(container gateway)
  expect_eq healthy "$(docker inspect -f '{{.State.Health.Status}}' "$gateway")" "gateway health"
  expect_match 'HTTP/1.1 200' "$(docker inspect -f \
    '{{range .State.Health.Log}}{{.Output}}{{end}}' "$gateway")" "the healthcheck's answers"
  local out code=0
  out=$(docker run --rm --network "${COMPOSE_PROJECT_NAME}_front" busybox:1.37 \
    wget -T 2 -qO- http://gateway:8081/health 2>&1) || code=$?
  [ "$code" -ne 0 ] || fail "port 8081 answered from another container: $out"
  expect_match 'refused' "$out" "wget from another container"
}

test_tls_1_2_offers_only_forward_secret_aead_suites() {
  local out suite
  # CBC mode (with SHA-1 or SHA-256 MACs) and RSA key transport: refused.
  for suite in ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA384 AES128-GCM-SHA256; do
    out=$(openssl s_client -connect "127.0.0.1:$TLS_PORT" -tls1_2 -cipher "$suite" \
      </dev/null 2>&1) && fail "a TLS 1.2 handshake with $suite succeeded"
    expect_match 'alert handshake failure' "$out" "the server's answer to $suite"
  done
  out=$(openssl s_client -connect "127.0.0.1:$TLS_PORT" -tls1_2 \
    -cipher ECDHE-ECDSA-AES128-GCM-SHA256 </dev/null 2>&1) || fail "GCM refused: $out"
  expect_match 'Cipher is ECDHE-ECDSA-AES128-GCM-SHA256' "$out" "the suite agreed"
}

test_a_slow_client_does_not_hold_up_the_redirect() {
  # A client that sends half a request line and waits: others must still be redirected.
  exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
  printf 'GET /us' >&3
  local i seconds
  for i in 1 2 3; do
    seconds=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 5 \
      "http://127.0.0.1:$HTTP_PORT/users/$i")
    expect_le 2 "$seconds" "seconds to redirect request $i beside a slow client"
  done
  exec 3>&-
}

test_hsts_is_sent_only_when_configured() {
  https /users/1
  expect_eq "" "$(header strict-transport-security)" "Strict-Transport-Security by default"
  GATEWAY_HSTS_MAX_AGE=600 tls_compose up -d --wait gateway
  https /users/1
  expect_eq "200 max-age=600" "$STATUS $(header strict-transport-security)" "with HSTS_MAX_AGE"
}

# Last: it recreates the gateway with its plain port closed.
test_plain_http_off_closes_the_plain_port() {
  PLAIN_HTTP=off tls_compose up -d --wait gateway
  local code=0
  curl -sS -o /dev/null --max-time 5 "http://127.0.0.1:$HTTP_PORT/users/1" 2>/dev/null || code=$?
  # 7: refused; 52 or 56: docker-proxy accepted, then found nothing listening behind it.
  expect_match '^(7|52|56)$' "$code" "curl's exit status on the plain port"
  https /users/1
  expect_eq 200 "$STATUS" "HTTPS with plain HTTP off"
}
