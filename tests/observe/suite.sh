# Watching the system work: challenge 5 with Prometheus beside it (compose.observe.yaml) and
# three products replicas, the gateway's live page in a real browser (headless Chromium), the
# Prometheus configurations of challenges 3 to 5 checked by promtool, and challenges 3 and 4
# with their own Prometheus.
# The tests share one project and run in order: the counts of the traffic one test sends are
# what the next ones look for.

project observe 5
OBSERVE_FILE=$ROOT/challenges/5/compose.observe.yaml
PROMETHEUS_IMAGE=prom/prometheus:v2.53.3
# Containers tests start and remove (docker run, labelled test.run): a second gateway, and a
# stand-in upstream that gives itself a new name at each answer.
GATEWAY_2=test-observe-gateway-2-$TEST_RUN_ID STANDIN=test-observe-standin-$TEST_RUN_ID
compose() {
  docker compose -f "$COMPOSE_FILE_PATH" -f "$OBSERVE_FILE" -p "$COMPOSE_PROJECT_NAME" "$@"
}

# shellcheck source=tests/browser.sh
source "$TESTS_DIR/browser.sh"

setup() {
  remember PORT "$(free_port)"
  local port2; port2=$(free_port "$PORT")
  remember G "http://127.0.0.1:$PORT"
  remember P "http://127.0.0.1:$port2"
  remember TMP "$(mktemp -d)"
  GATEWAY_PORT=$PORT PROMETHEUS_PORT=$port2 GATEWAY_DASHBOARD=on \
    compose up -d --wait --scale products-service=3
}

teardown() {
  docker rm -f "$GATEWAY_2" "$STANDIN" >/dev/null 2>&1 || true
  compose down -v --remove-orphans
  rm -rf "$TMP"
}

hostname_of() { docker inspect -f '{{.Config.Hostname}}' "$1"; }

# query PROMQL [TIME]: the result of an instant query, as "labels value" lines, sorted: the
# labels as k=v joined by commas, the value rounded to 3 decimals.
query() {
  curl -sfS -G "$P/api/v1/query" --data-urlencode "query=$1" ${2:+--data-urlencode "time=$2"} \
    | jq -r 'if .status != "success" then error("query failed: \(.)") else .data.result[]
             | (.metric | to_entries | map("\(.key)=\(.value)") | join(",")) + " "
               + (.value[1] | tonumber * 1000 | round / 1000 | tostring) end' | sort
}

# up_targets: Prometheus's targets that are up, counted per job ("job=N" joined by spaces),
# and then those that are not.
up_targets() {
  curl -sfS "$P/api/v1/targets?state=active" | jq -r '[.data.activeTargets[]]
    | ([.[] | select(.health == "up") | .labels.job] | group_by(.)
       | map("\(.[0])=\(length)") | join(" ")) + " | not up: "
    + ([.[] | select(.health != "up") | .scrapeUrl] | join(" "))'
}

test_prometheus_finds_every_replica_through_dns() {
  local want="gateway=1 products-service=3 prometheus=1 users-service=1 | not up: "
  wait_for 40 "every target up" bash -c "[ \"\$($(declare -f up_targets); P=$P up_targets)\" \
    = '$want' ]" || true
  expect_eq "$want" "$(up_targets)" "targets by job"
  # Each target says which service and container it is (kit's service_info).
  expect_eq "gateway 1|products-service 3|users-service 1" \
    "$(query 'count by (service) (service_info)' | sed 's/^service=//' | paste -sd'|')" \
    "service_info per service"
  expect_eq "products-service=3" "$(query 'count by (job) (jvm_memory_used_bytes{area="heap",
    job="products-service"} > 0)' | sed 's/^job=//; s/ /=/')" "replicas reporting their heap"
}

test_per_replica_counts_and_rates_match_the_traffic() {
  # 240 reads at 8 a second through the gateway, each answer's X-Served-By kept.
  local n=240 per_second=8 urls=$TMP/urls started ended
  for _ in $(seq "$n"); do printf 'url = "%s"\noutput = /dev/null\n' "$G/products/1"; done >"$urls"
  started=$(date +%s.%N)
  curl -sS --rate "$per_second/s" -K "$urls" -w '%{http_code} %header{x-served-by}\n' \
    >"$TMP/served"
  ended=$(date +%s.%N)
  expect_eq "$n" "$(grep -c '^200 ' "$TMP/served")" \
    "reads answered 200 (all: $(cut -d' ' -f1 "$TMP/served" | sort | uniq -c | xargs))"
  # What each replica served, by its name: "host=N" lines, sorted.
  awk '{ n[$2]++ } END { for (h in n) print "host=" h " " n[h] }' "$TMP/served" | sort \
    >"$TMP/expected"
  expect_eq 3 "$(wc -l <"$TMP/expected")" "replicas that served reads"
  # Prometheus's view, by container name (each replica's service_info joins its address to it),
  # once it scraped after the last read: exactly the same counts.
  local counts='sum by (host) (http_requests_total{job="products-service",route="/products/{id}"}
    * on (instance) group_left (host) service_info)'
  wait_for 20 "Prometheus to scrape the last reads" \
    bash -c "[ \"\$($(declare -f query); P=$P query '$counts')\" = \"\$(cat $TMP/expected)\" ]" \
    || true
  expect_eq "$(cat "$TMP/expected")" "$(query "$counts")" "requests per replica in Prometheus"
  # Each replica's rate over the time the reads took, as Prometheus computes it from the
  # samples it took every 5 s: what was sent to it per second, within a quarter.
  local seconds window rate host count expected
  seconds=$(awk -v a="$started" -v b="$ended" 'BEGIN { print b - a }')
  window=$(awk -v s="$seconds" 'BEGIN { printf "%dms", s * 1000 }')
  while read -r host rate; do
    count=$(awk -v h="$host" '$1 == h { print $2 }' "$TMP/expected")
    expected=$(awk -v c="$count" -v s="$seconds" 'BEGIN { print c / s }')
    echo "report: $host: $rate requests/s in Prometheus; sent $count in $window ($expected/s)"
    expect_ge "$(awk -v e="$expected" 'BEGIN { print 0.75 * e }')" "$rate" "rate of $host"
    expect_le "$(awk -v e="$expected" 'BEGIN { print 1.25 * e }')" "$rate" "rate of $host"
  done < <(query "sum by (host) (rate(http_requests_total{job=\"products-service\",
    route=\"/products/{id}\"}[$window]) * on (instance) group_left (host) service_info)" \
    "$ended")
  expect_eq 3 "$(query "count(rate(http_requests_total{job=\"products-service\",
    route=\"/products/{id}\"}[$window]) > 0)" "$ended" | awk '{ print $NF }')" \
    "replicas with a rate"
  # The gateway's latency histogram answers a quantile for the route.
  expect_match '^route=/products [0-9.]+$' "$(query 'histogram_quantile(0.99, sum by (route, le)
    (rate(http_request_duration_seconds_bucket{job="gateway",route="/products"}[1m])))' "$ended")" \
    "p99 latency of /products at the gateway"
}

test_the_gateway_counts_each_replica_by_name() {
  local metrics expected
  metrics=$(curl -sfS "$G/metrics")
  # Each replica's 2xx calls, as the gateway counted them: the reads it was sent.
  local series='gateway_replica_requests_total{upstream="products-service",'
  series+='replica="\1",class="2xx"}'
  expected=$(sed "s/^host=\(.*\) \(.*\)\$/$series \2/" "$TMP/expected")
  expect_eq "$expected" "$(grep '^gateway_replica_requests_total{upstream="products-service"' \
    <<<"$metrics" | sort)" "the gateway's calls per products replica"
  expect_eq 'gateway_upstream_replicas{upstream="products-service"} 3.0' \
    "$(grep '^gateway_upstream_replicas{upstream="products-service"}' <<<"$metrics")" \
    "replicas the gateway resolves"
  expect_eq 'gateway_upstream_replicas_set_aside{upstream="products-service"} 0.0' \
    "$(grep '^gateway_upstream_replicas_set_aside{upstream="products-service"}' \
    <<<"$metrics")" "replicas set aside"
}

test_replica_names_past_64_share_one_series() {
  # A stand-in upstream (busybox httpd) whose every answer names another replica: the gateway
  # gives the first 64 names series of their own, and counts the rest as replica="other".
  trap 'docker rm -f "$GATEWAY_2" "$STANDIN" >/dev/null 2>&1' EXIT
  mkdir -p "$TMP/www/cgi-bin"
  printf '%s\n' '#!/bin/sh' \
    "printf 'Content-Type: text/plain\\r\\nX-Served-By: replica-%s\\r\\n\\r\\nok\\n' \"\$\$\"" \
    >"$TMP/www/cgi-bin/name"
  chmod -R a+rX "$TMP/www"; chmod 755 "$TMP/www/cgi-bin/name"
  printf '/names  standin:8080  timeout=2s  rewrite=/cgi-bin/name  writes=open\n' \
    >"$TMP/names.conf"
  chmod 644 "$TMP/names.conf"
  docker run -d --name "$STANDIN" --label "test.run=$TEST_RUN_ID" --read-only \
    --network "${COMPOSE_PROJECT_NAME}_back" --network-alias standin \
    -v "$TMP/www:/www:ro" busybox:1.37 httpd -f -p 8080 -h /www >/dev/null
  local port; port=$(free_port)
  docker run -d --name "$GATEWAY_2" --label "test.run=$TEST_RUN_ID" --read-only --cap-drop ALL \
    --network "${COMPOSE_PROJECT_NAME}_front" -p "127.0.0.1:$port:8080" \
    -v "$TMP/names.conf:/etc/gateway/routes.conf:ro" "$IMAGE_PREFIX/gateway:$VERSION" >/dev/null
  docker network connect "${COMPOSE_PROJECT_NAME}_back" "$GATEWAY_2"
  wait_for 30 "the second gateway" curl -sf "http://127.0.0.1:$port/health"
  local codes
  codes=$(for _ in $(seq 100); do
    curl -sS -o /dev/null -w '%{http_code} %header{x-served-by}\n' "http://127.0.0.1:$port/names"
  done)
  expect_eq 100 "$(grep -c '^200 replica-' <<<"$codes")" "answers with a replica name"
  expect_eq 100 "$(cut -d' ' -f2 <<<"$codes" | sort -u | wc -l)" "distinct names"
  local metrics; metrics=$(curl -sfS "http://127.0.0.1:$port/metrics")
  local own='^gateway_replica_requests_total{upstream="standin",replica="replica-[0-9]*",'
  own+='class="2xx"} 1$'
  expect_eq 64 "$(grep -c "$own" <<<"$metrics")" "replicas with series of their own"
  expect_eq 'gateway_replica_requests_total{upstream="standin",replica="other",class="2xx"} 36' \
    "$(grep -F 'replica="other"' <<<"$metrics")" "the rest, in one series"
  docker rm -f "$GATEWAY_2" "$STANDIN" >/dev/null
}

# replica_states: the page's products replicas as "name=state" words, sorted.
replica_states() {
  browser_eval "[...document.querySelectorAll(
    '#topology g.replica[data-upstream=\"products-service\"]')]
    .map((g) => g.dataset.replica + '=' + g.dataset.state).sort().join(' ')" || return
  jq -r . <<<"$EVAL"
}

test_the_page_shows_a_stopped_replica_within_seconds() {
  [ -n "$(browser_path)" ] || skip "no chromium on PATH (apt-get install chromium)"
  local a b c all states
  a=$(container products-service 1) b=$(container products-service 2)
  c=$(container products-service 3)
  all=$(for x in "$a" "$b" "$c"; do echo "$(hostname_of "$x")=ready"; done | sort | paste -sd' ')
  # Traffic to draw while the page watches: reads at 5 a second, in the background.
  for _ in $(seq 200); do printf 'url = "%s"\noutput = /dev/null\n' "$G/catalog/2"; done \
    >"$TMP/trickle"
  curl -s --rate 5/s -K "$TMP/trickle" & local trickle=$!
  trap 'kill $trickle 2>/dev/null; browser_stop' EXIT
  browser_start "$G/dashboard" --window-size=1200,1100 --hide-scrollbars
  local deadline=$(( $(date +%s) + 30 ))
  until states=$(replica_states) && [ "$states" = "$all" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.5
  done
  if [ "$states" != "$all" ]; then
    browser_eval "document.getElementById('status').textContent" || true
    fail "expected products replicas on the page: $all" "     but got: $states" \
      "     the page's status line: $EVAL"
  fi
  # A chart per replica once two polls gave it a rate (the trickle reaches every replica).
  local charts=0
  deadline=$(( $(date +%s) + 10 ))
  until browser_eval "document.querySelectorAll(
      '#replicas figure[data-key^=\"products-service/\"]').length" && [ "$EVAL" -ge 3 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.5
  done
  charts=$EVAL
  expect_ge 3 "$charts" "charts of products replicas drawn"
  # One replica stopped: within a few seconds the page shows it not ready.
  local stopped started_ms took
  stopped=$(hostname_of "$c")
  docker stop -t 3 "$c" >/dev/null
  started_ms=$(now_ms)
  deadline=$(( $(date +%s) + 10 ))
  until states=$(replica_states) && [[ " $states " != *" $stopped=ready "* ]] \
    && [[ " $states " == *" $stopped="* ]]; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.2
  done
  took=$(( $(now_ms) - started_ms ))
  expect_match "(^| )$stopped=(down|set-aside)( |$)" "$states" "the stopped replica on the page"
  echo "report: the page showed $stopped as not ready $took ms after docker stop"
  # Some more polls for the charts, then the picture challenge 5's README shows.
  sleep 12
  mkdir -p "$ROOT/build/screenshots"
  browser_screenshot "$ROOT/build/screenshots/dashboard-5.png"
  expect_eq "89504e47" "$(head -c 4 "$ROOT/build/screenshots/dashboard-5.png" | od -An -tx1 \
    | tr -d ' \n')" "a PNG"
  echo "report: screenshot in build/screenshots/dashboard-5.png"
  docker start "$c" >/dev/null
}

test_the_page_is_off_by_default_and_where_writes_are_guarded() {
  # On here (GATEWAY_DASHBOARD=on): the page, with a policy that lets it run nothing foreign.
  http GET "$G/dashboard"
  expect_eq "200 text/html; charset=utf-8" "$STATUS $(header content-type)" "the page"
  expect_match "default-src 'none'; script-src 'self';" "$(header content-security-policy)"
  # The image's default: no page.
  trap 'docker rm -f "$GATEWAY_2" >/dev/null 2>&1' EXIT
  local port; port=$(free_port)
  docker run -d --name "$GATEWAY_2" --label "test.run=$TEST_RUN_ID" --read-only --cap-drop ALL \
    --network "${COMPOSE_PROJECT_NAME}_front" -p "127.0.0.1:$port:8080" \
    -v "$ROOT/challenges/5/routes.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION" >/dev/null
  docker network connect "${COMPOSE_PROJECT_NAME}_back" "$GATEWAY_2"
  wait_for 30 "the second gateway" curl -sf "http://127.0.0.1:$port/health"
  http GET "http://127.0.0.1:$port/dashboard"
  expect_problem 404
  docker rm -f "$GATEWAY_2" >/dev/null
  # Asked for, but the routing table guards writes: still no page, and the log says why.
  sed 's/writes=open/writes=key/' "$ROOT/challenges/5/routes.conf" >"$TMP/guarded.conf"
  echo test-key-0123456789abcdef0123456789abcdef >"$TMP/keys"
  chmod 644 "$TMP/guarded.conf" "$TMP/keys"
  docker run -d --name "$GATEWAY_2" --label "test.run=$TEST_RUN_ID" --read-only --cap-drop ALL \
    --network "${COMPOSE_PROJECT_NAME}_front" -p "127.0.0.1:$port:8080" -e DASHBOARD=on \
    -e API_KEYS_FILE=/run/keys -v "$TMP/keys:/run/keys:ro" \
    -v "$TMP/guarded.conf:/etc/gateway/routes.conf:ro" \
    "$IMAGE_PREFIX/gateway:$VERSION" >/dev/null
  docker network connect "${COMPOSE_PROJECT_NAME}_back" "$GATEWAY_2"
  wait_for 30 "the guarded gateway" curl -sf "http://127.0.0.1:$port/health"
  for path in /dashboard /dashboard/dashboard.js; do
    http GET "http://127.0.0.1:$port$path"
    expect_problem 404
  done
  expect_match '"msg":"dashboard off"' "$(docker logs "$GATEWAY_2" 2>&1)" "the log"
  docker rm -f "$GATEWAY_2" >/dev/null
}

test_the_prometheus_configurations_of_challenges_3_to_5_are_valid() {
  local n file job services
  for n in 3 4 5; do
    for file in "$ROOT"/challenges/$n/prometheus*.yml; do
      docker_run_bounded 30 --network none --entrypoint promtool \
        -v "$file:/etc/prometheus/prometheus.yml:ro" "$PROMETHEUS_IMAGE" \
        check config --syntax-only /etc/prometheus/prometheus.yml
      expect_eq 0 "$RC" "promtool on $file: $OUT"
      # Every DNS name it asks for is a service of the challenge.
      services=$(docker compose -f "$ROOT/challenges/$n/compose.yaml" config --services)
      for job in $(sed -n 's/^ *- names: \[\(.*\)\]$/\1/p' "$file"); do
        grep -qxF "$job" <<<"$services" \
          || fail "$file asks for $job, which is no service of challenge $n ($services)"
      done
    done
  done
}

# targets_of URL: the up targets of the Prometheus at URL, as "job=N" words, sorted.
targets_of() {
  curl -sfS "$1/api/v1/targets?state=active" | jq -r '[.data.activeTargets[]
    | select(.health == "up") | .labels.job] | group_by(.) | map("\(.[0])=\(length)")
    | join(" ")'
}

test_challenges_3_and_4_are_watched_too() {
  local three four p3 p4 password=$TMP/db-password
  p3=$(free_port) p4=$(free_port)
  three="test-observe3-$TEST_RUN_ID" four="test-observe4-$TEST_RUN_ID"
  printf 'observe-test-password' >"$password"; chmod 644 "$password"
  export CATALOG_PASSWORD_FILE=$password
  # Both projects go whatever happens (teardown fails the suite for anything left).
  trap 'for n in 3 4; do docker compose -f "$ROOT/challenges/$n/compose.yaml" \
    -f "$ROOT/challenges/$n/compose.observe.yaml" -p "test-observe$n-$TEST_RUN_ID" \
    down -v --remove-orphans >/dev/null 2>&1; done' EXIT
  CATALOG_PORT=$(free_port) PROMETHEUS_PORT=$p3 \
    docker compose -f "$ROOT/challenges/3/compose.yaml" \
    -f "$ROOT/challenges/3/compose.observe.yaml" -p "$three" up -d --wait >/dev/null 2>&1 &
  local started3=$!
  B_PORT=$(free_port) PROMETHEUS_PORT=$p4 docker compose -f "$ROOT/challenges/4/compose.yaml" \
    -f "$ROOT/challenges/4/compose.observe.yaml" -p "$four" up -d --wait \
    --scale service-a=2 >/dev/null 2>&1 &
  local started4=$!
  wait "$started3" || fail "challenge 3 with Prometheus did not start"
  wait "$started4" || fail "challenge 4 with Prometheus did not start"
  wait_for 40 "challenge 3's targets up" bash -c "[ \"\$($(declare -f targets_of); \
    targets_of http://127.0.0.1:$p3)\" = 'catalog=1 prometheus=1' ]" || true
  expect_eq "catalog=1 prometheus=1" "$(targets_of "http://127.0.0.1:$p3")" "challenge 3"
  wait_for 40 "challenge 4's targets up" bash -c "[ \"\$($(declare -f targets_of); \
    targets_of http://127.0.0.1:$p4)\" = 'prometheus=1 service-a=2 service-b=1' ]" || true
  expect_eq "prometheus=1 service-a=2 service-b=1" "$(targets_of "http://127.0.0.1:$p4")" \
    "challenge 4"
  # What each challenge is about, in Prometheus: the cache's counters, the breaker's state.
  P=http://127.0.0.1:$p3
  expect_eq "job=catalog 0" "$(query 'sum by (job) (catalog_cache_hits_total)')" "catalog's cache hits"
  P=http://127.0.0.1:$p4
  expect_eq "job=service-b 0" "$(query 'max by (job) (breaker_state)')" "B's breaker, closed"
}
