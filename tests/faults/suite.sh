# Faults for challenges 3, 4 and 5: each dependency in turn (in challenge 5, each service and
# PostgreSQL and Redis) is killed (docker kill), paused (docker pause) and cut off (docker
# network disconnect from the network its caller reaches it on, then connected again with the
# same aliases). While a fault lasts the caller must answer
# every request within a stated bound: a 5xx problem whose detail names the dependency, or for
# challenge 3 its documented degraded answer (hits without PostgreSQL, reads from PostgreSQL
# without Redis). Once the fault ends the caller must recover by itself: nothing restarted,
# no request lost, no data lost. Then `docker compose down` must finish within 3 s.
#
# Requests run all along each fault, one every 0.2 s (a bounded load: a 2-core machine is
# shared), and each must get an answer. Docker does not restart a container after `docker
# kill` whatever its restart policy (it counts as a manual stop), so a kill ends with `docker
# start`, unless Docker did restart it.

# shellcheck source=tests/stacks.sh
source "$TESTS_DIR/stacks.sh"
STACKS_NAME=faults STACKS="3 4 5"

# How long an answer may take while a dependency is gone: what each caller promises, plus 1 s
# for a busy machine. The catalog answers within 1 s (700 ms query deadline, 250 ms Redis
# timeout); B within A's 1.5 s request timeout; the gateway within its routes' 2 s timeout.
LIMIT_3=2 LIMIT_4=2.5 LIMIT_5=3
# The caller of each challenge, and the network on which it reaches its dependencies; in
# challenge 5, products-service reaches its database and cache on a network of their own.
CALLER_3=catalog CALLER_4=service-b CALLER_5=gateway
NETWORK_3=data NETWORK_4=users-net NETWORK_5=back
NETWORK_5_postgres=products-data NETWORK_5_redis=products-data
# network_of N SERVICE: the network of challenge N that SERVICE is cut off from.
network_of() {
  local own="NETWORK_$1_${2//-/_}"
  echo "$(stack_name "$1")_${!own:-$(var NETWORK "$1")}"
}

setup() {
  local n
  stacks_up
  # A row written before the faults: a killed PostgreSQL must come back with it.
  http POST "$(url 3)/products" -H 'Content-Type: application/json' \
    --data '{"sku":"FAULTS-KEEP-1","name":"Survives every fault","price_cents":100,"stock":1}'
  expect_eq 201 "$STATUS" "status of the row written before the faults"
  for n in 3 4 5; do
    remember "CALLER_STATE_$n" "$(caller_state "$n")"
    data=$(snapshot "$n")
    remember "DATA_$n" "$data"
  done
}

teardown() {
  local n c
  for n in $STACKS; do
    for c in $(stack "$n" ps -aq); do docker unpause "$c" >/dev/null 2>&1 || true; done
  done
  stacks_down
}

# caller_state N: the state, start time and restart count of challenge N's caller.
caller_state() {
  docker inspect -f '{{.State.Status}} {{.State.StartedAt}} {{.RestartCount}}' \
    "$(stack "$1" ps -q "$(var CALLER "$1")")"
}

# ask N PATH [CURL_ARGS...]: GET on challenge N, like `http`; MS is how long it took.
ask() {
  local n=$1 path=$2; shift 2
  http GET "$(url "$n")$path" -w '%{http_code} %{time_total}' "$@"
  MS=$(awk -v t="${STATUS#* }" 'BEGIN { printf "%d", t * 1000 }')
  STATUS=${STATUS%% *}
}
within_limit() { expect_le "$(awk -v s="$(var LIMIT "$1")" 'BEGIN { print s * 1000 }')" "$MS" \
  "ms for $2 (limit $(var LIMIT "$1") s)"; }

# explained N DEPENDENCY: the last answer is a 5xx problem whose detail names DEPENDENCY,
# within challenge N's limit.
explained() {
  expect_match '^5[0-9][0-9]$' "$STATUS" "status" || { echo "body: $BODY"; return 1; }
  expect_problem "$STATUS" || return
  expect_match "$2" "$(json .detail)" "detail" || return
  within_limit "$1" "a failure"
}

# load N PATH OUT [CURL_ARGS...]: GETs PATH every 0.2 s until $TMP/stop exists (150 at most,
# about 30 s), one line per request: status (000: no answer), seconds, content type, X-Cache,
# when it was sent (at=, ms since the epoch), detail. Runs in the background while a fault
# comes and goes. Two requests may be under way at once: a fault that holds one for its whole
# timeout does not hold back the next, and a paused service does not find a pile of them
# waiting when it thaws.
load() {
  local n=$1 path=$2 out=$3 i; shift 3
  mkdir "$out.d"
  for i in $(seq 150); do
    [ -e "$TMP/stop" ] && break
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
    load_request "$out.d/$i" "$(url "$n")$path" "$@" &
    sleep 0.2
  done
  wait
  cat "$out.d"/* >"$out"
  rm -rf "$out.d"
}
# load_request OUT URL [CURL_ARGS...]: one request of the load, its line (see load) in OUT.
load_request() {
  local out=$1 url=$2 at detail; shift 2
  at=$(now_ms)
  curl -s -o "$out.body" -w '%{http_code} %{time_total} t=%{content_type} x=%header{x-cache}' \
    --max-time 10 "$@" "$url" >"$out" || true # 000: counted as lost
  detail=$(jq -r '.detail // empty' "$out.body" 2>/dev/null | tr '\n' ' ' || true)
  echo " at=$at $detail" >>"$out"
  rm -f "$out.body"
}

# The fewest requests of the load that must be under way while a fault lasts (2 s at least,
# and as long as its checks take): one every 0.2 s, two at a time, each answered within the
# limit (2 to 3 s).
MIN_DURING=2
# How each fault must show in the load: Redis gone, as reads that bypass the cache; any other
# dependency, as explained 5xx answers.
SHOWS_3_postgres=5xx SHOWS_3_redis=bypass SHOWS_4_service_a=5xx
SHOWS_5_users_service=5xx SHOWS_5_products_service=5xx SHOWS_5_postgres=5xx
SHOWS_5_redis=bypass

# awk: sets `at` to a load line's at= field (when it was sent, in ms), or "" if it has none yet.
FIND_AT='at = ""; for (i = 1; i <= NF; i++) if ($i ~ /^at=[0-9]+$/) { at = substr($i, 4); break }'

# met_at_least COUNT OUT FROM: COUNT requests of the load writing OUT were answered after FROM
# (ms): each was under way at some time since then (the fault lasts until now). The load is
# still running: its answers so far are in OUT.d, one file each.
met_at_least() {
  [ "$(cat "$2.d"/* 2>/dev/null | awk -v from="$3" "{ $FIND_AT }"'
    at != "" && at + $2 * 1000 >= from { n++ } END { print n + 0 }')" -ge "$1" ]
}

# judge_load N OUT DEPENDENCY FROM TO SHOWS: every request of OUT got an answer within the
# limit, a 2xx or a 5xx problem naming DEPENDENCY; at least MIN_DURING of them were under way
# between FROM and TO (ms, the fault), and the fault showed in at least one of those, as SHOWS
# says (bypass or 5xx). Prints the counts (the requests lost are those without an answer).
judge_load() {
  local n=$1 out=$2 dependency=$3 from=$4 to=$5 shows=$6 limit total lost ok explained other
  local slow during shown
  limit=$(var LIMIT "$n")
  total=$(grep -c . "$out" || true)
  lost=$(awk '$1 == "000"' "$out" | wc -l)
  ok=$(awk '$1 ~ /^2/' "$out" | wc -l)
  explained=$(awk -v d="$dependency" '$1 ~ /^5/ && $3 ~ /^t=application\/problem\+json/ \
    && index($0, d)' "$out" | wc -l)
  other=$(awk -v d="$dependency" '!($1 ~ /^2/ || $1 == "000" || ($1 ~ /^5/ \
    && $3 ~ /^t=application\/problem\+json/ && index($0, d)))' "$out")
  slow=$(awk -v l="$limit" '$1 != "000" && $2 > l' "$out")
  # The requests under way while the fault lasted: sent (at=) before it ended, answered
  # (seconds later) after it began.
  during=$(awk -v from="$from" -v to="$to" "{ $FIND_AT }"'
    at != "" && at < to && at + $2 * 1000 >= from' "$out")
  if [ "$shows" = bypass ]; then
    shown=$(grep -c ' x=BYPASS ' <<<"$during" || true)
  else
    shown=$(awk -v d="$dependency" '$1 ~ /^5/ && $3 ~ /^t=application\/problem\+json/ \
      && index($0, d)' <<<"$during" | wc -l)
  fi
  echo "report: $total requests, $(grep -c . <<<"$during" || true) during the fault, of which" \
    "$shown showed it; $ok answered 2xx, $explained explained 5xx naming $dependency," \
    "$lost lost, $(grep -c . <<<"$slow" || true) over ${limit} s"
  expect_eq 0 "$lost" "requests that got no answer" || return
  expect_eq "" "$(head -3 <<<"$other")" "answers that are neither 2xx nor an explained 5xx" \
    || return
  expect_eq "" "$(head -3 <<<"$slow")" "answers slower than $limit s" || return
  expect_ge "$MIN_DURING" "$(grep -c . <<<"$during" || true)" \
    "requests under way during the fault" \
    || return
  expect_ge 1 "$shown" "requests during the fault that show it ($shows)"
}

# The fault itself. inject KIND N SERVICE starts it, end_fault KIND N SERVICE ends it.
inject() {
  local c; c=$(stack "$2" ps -q "$3")
  case $1 in
    kill) docker kill "$c" >/dev/null ;;
    pause) freeze "$c" ;;
    cut)
      local network; network=$(network_of "$2" "$3")
      docker inspect -f "{{range (index .NetworkSettings.Networks \"$network\").Aliases}}{{.}} \
{{end}}" "$c" >"$TMP/aliases"
      docker network disconnect "$network" "$c" ;;
  esac
}
end_fault() {
  local c; c=$(stack "$2" ps -aq "$3")
  case $1 in
    kill)
      if [ "$(docker inspect -f '{{.State.Running}}' "$c")" = true ]; then
        echo "Docker restarted $3 by its restart policy"
      else
        echo "Docker did not restart $3 (a kill is a manual stop): docker start"
        docker start "$c" >/dev/null
      fi ;;
    pause) docker unpause "$c" >/dev/null ;;
    cut)
      local network alias args=(); network=$(network_of "$2" "$3")
      for alias in $(cat "$TMP/aliases"); do args+=(--alias "$alias"); done
      docker network connect "${args[@]}" "$network" "$c"
      expect_eq "$(cat "$TMP/aliases")" "$(docker inspect -f "{{range (index \
.NetworkSettings.Networks \"$network\").Aliases}}{{.}} {{end}}" "$c")" "aliases of $3" ;;
  esac
}

# fault KIND N SERVICE PATTERN LOAD_PATH [CURL_ARGS...]: the whole drill. Load on LOAD_PATH
# starts, the fault is injected, `during_N_SERVICE PATTERN KIND` checks the answers, the fault ends,
# `recovered_N_SERVICE` is awaited (timed), and then: the load's answers, the caller's start
# time and restart count, and the data.
fault() {
  local kind=$1 n=$2 service=$3 pattern=$4 path=$5 start injected ended data; shift 5
  local out=$TMP/load-$n-$service-$kind check=${service//-/_}
  rm -rf "$TMP/stop" "$out" "$out.d"
  load "$n" "$path" "$out" "$@" &
  local loader=$!
  trap "abandon $kind $n $service $loader" EXIT
  sleep 0.3 # a request or two before the fault
  # The fault starts and ends somewhere within these docker commands: its time is taken
  # from before the first to after the last.
  injected=$(now_ms)
  inject "$kind" "$n" "$service"
  start=$(now_ms)
  "during_${n}_$check" "$pattern" "$kind"
  # The fault lasts 2 s at least, so that the load meets it (its checks may take less), and
  # until MIN_DURING requests of the load met it: on a busy machine the load is sparser.
  sleep "$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { print ms < 2000 ? (2000 - ms) / 1000 : 0 }')"
  wait_for 20 "$MIN_DURING requests of the load to meet the fault" \
    met_at_least "$MIN_DURING" "$out" "$injected" || true
  end_fault "$kind" "$n" "$service"
  ended=$(now_ms)
  # From here a failed wait still stops the load, so that it cannot run into the next drill.
  trap "touch '$TMP/stop'; wait $loader || true" EXIT
  start=$(now_ms)
  wait_for "$(var RECOVERY "${n}_$check")" "challenge $n to recover from $service $kind" \
    "recovered_${n}_$check"
  echo "report: recovered $(( $(now_ms) - start )) ms after the fault ended"
  sleep 0.3 # a request or two after it
  touch "$TMP/stop"
  wait "$loader"
  trap - EXIT
  judge_load "$n" "$out" "$pattern" "$injected" "$ended" "$(var SHOWS "${n}_$check")"
  expect_eq "$(var CALLER_STATE "$n")" "$(caller_state "$n")" \
    "state, start time and restarts of $(var CALLER "$n")"
  data=$(snapshot "$n")
  expect_eq "$(var DATA "$n")" "$data" "data of challenge $n"
}

# abandon KIND N SERVICE LOADER: a drill that failed half-way still ends its fault, stops its
# load and waits (bounded) for the recovery, so that the next test does not meet the fault.
abandon() {
  local check=${3//-/_}
  touch "$TMP/stop"
  end_fault "$1" "$2" "$3" >/dev/null 2>&1 || true
  wait_for "$(var RECOVERY "${2}_$check")" "challenge $2 to recover from $3 $1" \
    "recovered_${2}_$check" || true
  wait "$4" || true
}

# How long recovery may take once a fault ends. PostgreSQL killed replays its log at start,
# and the catalog probes a dead dependency every 2 s at most; B's breaker, once open, waits
# 5 s before its trial call; a restarted Java service starts in a second or two (3-5 on a busy
# machine), and the gateway and B look names up again every 2 s.
RECOVERY_3_postgres=30 RECOVERY_3_redis=15 RECOVERY_4_service_a=20
RECOVERY_5_users_service=20 RECOVERY_5_products_service=20 RECOVERY_5_postgres=30
RECOVERY_5_redis=15

# cached_while_postgres_fails N PATTERN CHECK...: with PostgreSQL failing, challenge N's cached
# product is still served from Redis within the limit, and each of three reads that need
# PostgreSQL is explained (its detail matches PATTERN) and passes the command CHECK as well.
cached_while_postgres_fails() {
  local n=$1 pattern=$2; shift 2
  ask "$n" /products/1
  expect_eq "200 HIT" "$STATUS $(header x-cache)" "a cached product" || return
  within_limit "$n" "a cached product" || return
  for _ in 1 2 3; do
    ask "$n" /products/2 -H 'Cache-Control: no-cache'
    explained "$n" "$pattern" || return
    "$@" || return
  done
}
retry_after_is_1() { expect_eq 1 "$(header retry-after)" "Retry-After"; }
# Challenge 3, PostgreSQL gone: cached products are still served, a read that needs PostgreSQL
# is a 503 that names it, and /ready says which dependency is down.
during_3_postgres() {
  cached_while_postgres_fails 3 "$1" retry_after_is_1 || return
  ask 3 /ready
  expect_eq 503 "$STATUS" "/ready" || return
  expect_match '^down: ' "$(json .checks.postgres)" "/ready's postgres check"
}
recovered_3_postgres() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Cache-Control: no-cache' \
    "$(url 3)/products/2")" = 200 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "$(url 3)/ready")" = 200 ]
}
# postgres_fault KIND N: warms challenge N's product 1 into Redis (two reads: a miss, then a
# hit), then the fault, under a load of product reads that need PostgreSQL.
postgres_fault() {
  ask "$2" /products/1; ask "$2" /products/1; expect_eq HIT "$(header x-cache)"
  fault "$1" "$2" postgres PostgreSQL /products/2 -H 'Cache-Control: no-cache'
}

test_3_postgres_killed() { postgres_fault kill 3; }
test_3_postgres_paused() { postgres_fault pause 3; }
test_3_postgres_cut_off() { postgres_fault cut 3; }

# Challenge 3, Redis gone: every read is answered from PostgreSQL (X-Cache: BYPASS), not
# slower than Redis' 250 ms timeout, and /ready says Redis is down.
during_3_redis() {
  for _ in 1 2 3; do
    ask 3 /products/3
    expect_eq "200 BYPASS database" "$STATUS $(header x-cache) $(json .source)" "a read" || return
    within_limit 3 "a read" || return
  done
  ask 3 /ready
  expect_eq 503 "$STATUS" "/ready" || return
  expect_match '^down: ' "$(json .checks.redis)" "/ready's redis check"
}
recovered_3_redis() {
  [[ $(curl -s -o /dev/null -w '%header{x-cache}' "$(url 3)/products/3") =~ ^(HIT|MISS)$ ]] \
    && [ "$(curl -s -o /dev/null -w '%{http_code}' "$(url 3)/ready")" = 200 ]
}

test_3_redis_killed() { fault kill 3 redis Redis /products/3; }
test_3_redis_paused() { fault pause 3 redis Redis /products/3; }
test_3_redis_cut_off() { fault cut 3 redis Redis /products/3; }

# Challenge 4, service A gone: B answers 502, 503 or 504, each a problem naming service-a
# (once its breaker opens, at once), and /ready says A is down.
during_4_service_a() {
  for _ in 1 2 3; do
    ask 4 /profiles/1
    explained 4 "$1" || return
  done
  ask 4 /ready
  expect_eq 503 "$STATUS" "/ready" || return
  expect_match '^down: ' "$(json '.checks["service-a"]')" "/ready's service-a check"
}
recovered_4_service_a() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$(url 4)/profiles/1")" = 200 ]
}

test_4_service_a_killed() { fault kill 4 service-a service-a /profiles/1; }
test_4_service_a_paused() { fault pause 4 service-a service-a /profiles/1; }
test_4_service_a_cut_off() { fault cut 4 service-a service-a /profiles/1; }

# Challenge 5, one upstream gone: its routes are 502 or 504 problems naming it, the overview
# is partial and names the missing part, and the other upstream's routes still answer.
during_5_users_service() { upstream_gone users users-service products "$1"; }
during_5_products_service() { upstream_gone products products-service users "$1"; }
upstream_gone() {
  local part=$1 service=$2 other=$3
  ask 5 "/$part/1"
  explained 5 "$4" || return
  ask 5 /api/overview
  expect_eq "200 true $part" "$STATUS $(json '"\(.partial) \(.missing[0].part)"')" "overview" \
    || return
  within_limit 5 "the overview" || return
  ask 5 "/$other/1"
  expect_eq 200 "$STATUS" "/$other/1 while $service is gone" || return
  within_limit 5 "/$other/1"
}
recovered_5_users_service() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$(url 5)/users/1")" = 200 ]
}
recovered_5_products_service() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$(url 5)/products/1")" = 200 ]
}

test_5_users_service_killed() { fault kill 5 users-service users-service /users/1; }
test_5_users_service_paused() { fault pause 5 users-service users-service /users/1; }
test_5_users_service_cut_off() { fault cut 5 users-service users-service /users/1; }
test_5_products_service_killed() { fault kill 5 products-service products-service /products/1; }
test_5_products_service_paused() { fault pause 5 products-service products-service /products/1; }
test_5_products_service_cut_off() { fault cut 5 products-service products-service /products/1; }

read_within_a_second() {
  expect_le "$THROUGH_THE_GATEWAY_WITHIN_A_SECOND_MS" "$MS" \
    "ms for a product read that needs PostgreSQL"
}
# Challenge 5, PostgreSQL gone: cached products still come through the gateway, a product
# read that needs PostgreSQL is a 503 problem naming it within a second, and products-service
# is not ready. The overview's products come from Redis: killed or paused, PostgreSQL is gone
# for users-service too, so the overview is partial, without its users; cut off, it is gone
# only from products-service's network (products-data), so users-service still answers and
# the overview is whole.
during_5_postgres() {
  cached_while_postgres_fails 5 "$1" read_within_a_second || return
  ask 5 /api/overview
  if [ "$2" = cut ]; then
    expect_eq "200 false" "$STATUS $(json .partial)" "the overview, whole" || return
  else
    expect_eq "200 true users" "$STATUS $(json '"\(.partial) \(.missing[0].part)"')" \
      "the overview, partial" || return
  fi
  if products_ready; then failed "products-service ready without PostgreSQL"; fi
}
# Both services use PostgreSQL, and each finds it again on its own probe.
recovered_5_postgres() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Cache-Control: no-cache' \
    "$(url 5)/products/2")" = 200 ] && products_ready \
    && [ "$(curl -s -o /dev/null -w '%{http_code}' "$(url 5)/users/2")" = 200 ]
}
# products_ready: products-service's /ready answers 200, asked from inside its container (it
# is not published) as its healthcheck asks /health.
products_ready() {
  stack 5 exec -T products-service java @/app/jvm/healthcheck.options \
    @/app/jvm/service-run.options -cp /app/service.jar kit.HealthCheck /ready >/dev/null 2>&1
}
# The overview's page of products, in Redis: without it, a PostgreSQL that both services lose
# leaves the overview with no part at all (a 502, as documented), not a partial one.
overview_products_cached() { ask 5 '/products?limit=5'; ask 5 '/products?limit=5'; }

test_5_postgres_killed() { overview_products_cached; postgres_fault kill 5; }
test_5_postgres_paused() { overview_products_cached; postgres_fault pause 5; }
test_5_postgres_cut_off() { overview_products_cached; postgres_fault cut 5; }

# Challenge 5, Redis gone: every product read is answered from PostgreSQL (X-Cache: BYPASS)
# within a second, through the gateway, and products-service is not ready.
during_5_redis() {
  for _ in 1 2 3; do
    ask 5 /products/3
    expect_eq "200 BYPASS" "$STATUS $(header x-cache)" "a read" || return
    expect_le "$THROUGH_THE_GATEWAY_WITHIN_A_SECOND_MS" "$MS" "ms for a read without Redis" || return
  done
  if products_ready; then failed "products-service ready without Redis"; fi
}
recovered_5_redis() {
  [[ $(curl -s -o /dev/null -w '%header{x-cache}' "$(url 5)/products/3") =~ ^(HIT|MISS)$ ]] \
    && products_ready
}

test_5_redis_killed() { fault kill 5 redis Redis /products/3; }
test_5_redis_paused() { fault pause 5 redis Redis /products/3; }
test_5_redis_cut_off() { fault cut 5 redis Redis /products/3; }

# After every fault, `docker compose down` (down_within_3s: tests/stacks.sh).
test_3_down_finishes_within_3s_after_the_faults() { down_within_3s 3; }
test_4_down_finishes_within_3s_after_the_faults() { down_within_3s 4; }
test_5_down_finishes_within_3s_after_the_faults() { down_within_3s 5; }
