# Challenge 5 on a single-node Docker Swarm (challenges/5/swarm): `make swarm-5` deploys the
# stack; every task serves through the gateway; a rolling update under a steady stream of
# requests loses none, and no row; so does an update of PostgreSQL itself (its volume); a
# killed task is replaced while requests keep succeeding; a version that cannot start rolls
# back by itself, again under requests that all succeed; and `make swarm-down-5` leaves
# nothing behind but the database's volume (`make swarm-reset-5` deletes it), the swarm itself
# included when it made it.
# The tests share one stack and run in order; the last one removes it.

setup() {
  remember STACK "test-swarm-$$"
  remember PORT "$(free_port)"
  remember G "http://127.0.0.1:$PORT"
  remember TMP "$(mktemp -d)"
  remember MARKER "$TMP/swarm-created-by-us"
  remember SWARM_BEFORE "$(swarm_state)"
  remember GWBRIDGE_BEFORE "$(gwbridge_present)"
  make_swarm swarm-5
  # Swarm starts every task at once: a service may be serving before PostgreSQL is, and finds
  # it on a later probe (2 s apart at most).
  wait_for 60 "every replica ready" all_ready
}

teardown() {
  stop_load
  # Whatever a failed test left: the stack, and the swarm if setup created it.
  SWARM_STACK=$STACK SWARM_MARKER=$MARKER "$ROOT/challenges/5/swarm/stack.sh" reset
  if docker image inspect "$BAD_IMAGE" >/dev/null 2>&1; then docker image rm "$BAD_IMAGE"; fi
  rm -rf "$TMP"
}

# A version of products-service that cannot start: the same image with a setting it refuses
# (it exits with status 2 and a message naming the variable).
BAD_IMAGE=$IMAGE_PREFIX/products-service:cannot-start-$TEST_RUN_ID

# make_swarm TARGET: runs a make target on this suite's stack, port and marker. `-o` uses the
# images as they are: the suite never builds them (`make test` builds everything first).
make_swarm() {
  make -s -C "$ROOT" -o build/stamps/gateway.image -o build/stamps/users-service.image \
    -o build/stamps/products-service.image "$1" \
    SWARM_STACK="$STACK" SWARM_GATEWAY_PORT="$PORT" SWARM_MARKER="$MARKER"
}
swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }
gwbridge_present() {
  docker network inspect docker_gwbridge >/dev/null 2>&1 && echo yes || echo no
}
label() { echo "label=com.docker.stack.namespace=$STACK"; }

# replicas: "SERVICE RUNNING/WANTED" for each service of the stack, sorted.
replicas() {
  docker service ls --filter "$(label)" --format '{{.Name}} {{.Replicas}}' \
    | sed "s/^${STACK}_//" | sort | paste -sd,
}
# task_hosts SERVICE: the host names of the service's running tasks (a task's container
# hostname is its container id, cut to 12 characters), sorted.
task_hosts() {
  local task
  for task in $(docker service ps -q --filter desired-state=running "${STACK}_$1"); do
    docker inspect -f '{{.Status.State}} {{.Status.ContainerStatus.ContainerID}}' "$task"
  done | awk '$1 == "running" { print substr($2, 1, 12) }' | sort
}
# served_by PATH N: the sorted distinct replicas that answered N GETs of PATH.
served_by() {
  for _ in $(seq "$2"); do
    curl -sS -o /dev/null -D - --max-time 5 "$G$1" | tr -d '\r' \
      | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: //p'
  done | sort -u
}
serves_exactly() { [ "$(served_by "$1" 12)" = "$2" ]; }
ALL_REPLICAS="gateway 1/1,postgres 1/1,products-service 3/3,redis 1/1,users-service 3/3"
converged() {
  [ "$(replicas)" = "$ALL_REPLICAS" ] \
    && [ -z "$(docker ps -q --filter "$(label)" --filter health=starting \
                 --filter health=unhealthy)" ]
}

# replaced HOST: the stack has converged again, with 3 running products tasks, none of them HOST.
replaced() {
  local hosts; hosts=$(task_hosts products-service)
  converged && [ "$(wc -l <<<"$hosts")" = 3 ] && ! grep -qx "$1" <<<"$hosts"
}

# The load: LOADERS loops, each of at most LOAD_MAX sequential GETs through the gateway (a new
# connection each), until $TMP/stop exists. One line per request: STATUS SERVED_BY SECONDS.
LOADERS=2 LOAD_MAX=3000
start_load() {
  rm -f "$TMP/stop" "$TMP"/load.*
  local n
  for n in $(seq "$LOADERS"); do
    (for _ in $(seq "$LOAD_MAX"); do
       [ -f "$TMP/stop" ] && break
       curl -s -o /dev/null --max-time 5 -w '%{http_code} %header{x-served-by} %{time_total}\n' \
         "$G/products/1" || true
     done >"$TMP/load.$n") &
  done
}
stop_load() { touch "$TMP/stop"; wait; }
load_lines() { cat "$TMP"/load.*; }
failed_requests() { load_lines | awk '$1 != 200' | wc -l; }
# load_summary: "N requests (STATUS xCOUNT ...), slowest S s", for the test's output.
load_summary() {
  load_lines | awk '{ n++; c[$1]++; if ($3 > max) max = $3 }
    END { printf "%d requests (", n; for (s in c) printf " %s x%d", s, c[s]
          printf " ), slowest %.2f s\n", max }'
}

test_stack_runs_every_replica_healthy_with_dnsrr() {
  expect_eq "$ALL_REPLICAS" "$(replicas)" "replicas"
  expect_eq 9 "$(docker ps -q --filter "$(label)" --filter health=healthy | wc -l)" \
    "healthy containers"
  for s in gateway users-service products-service postgres redis; do
    expect_eq dnsrr "$(docker service inspect -f '{{.Spec.EndpointSpec.Mode}}' "${STACK}_$s")" \
      "endpoint mode of $s"
  done
  expect_eq "host $PORT 8080" "$(docker service inspect -f \
    '{{range .Spec.EndpointSpec.Ports}}{{.PublishMode}} {{.PublishedPort}} {{.TargetPort}}{{end}}' \
    "${STACK}_gateway")" "gateway port"
  expect_eq "start-first rollback 1" "$(docker service inspect -f \
    '{{with .Spec.UpdateConfig}}{{.Order}} {{.FailureAction}} {{.Parallelism}}{{end}}' \
    "${STACK}_products-service")" "products update config"
  # The routing table is the swarm config made from challenges/5/routes.conf.
  config=$(docker config ls --filter "$(label)" --format '{{.Name}}' | grep _routes-)
  expect_match "^${STACK}_routes-[0-9a-f]{12}$" "$config" "config name"
  expect_eq "$(cat "$ROOT/challenges/5/routes.conf")" \
    "$(docker config inspect -f '{{printf "%s" .Spec.Data}}' "$config")" "config content"
  expect_eq "true true true" "$(docker network inspect -f '{{.Internal}}' "${STACK}_back" \
    "${STACK}_users-data" "${STACK}_products-data" | paste -sd' ')" "back and data internal"
  # The database's data directory is the stack's named volume.
  local mounts='{{range .Mounts}}{{.Destination}} {{.Type}} {{.Name}}{{"\n"}}{{end}}'
  expect_eq "/var/lib/postgresql/data volume ${STACK}_pg-data" "$(docker inspect -f "$mounts" \
    "$(postgres_task)" | grep '^/var/lib/postgresql/data ')" "the database's mount"
}
postgres_task() {
  docker ps -q --filter "$(label)" --filter "label=com.docker.swarm.service.name=${STACK}_postgres"
}

# rows: both services' rows through the gateway (products from PostgreSQL): total and items.
rows() {
  curl -sS --fail-with-body --max-time 5 "$G/users?limit=100" | jq -c '[.total, .items]' \
    && curl -sS --fail-with-body --max-time 5 -H 'Cache-Control: no-cache' \
      "$G/products?limit=100" | jq -c '[.total, .items]'
}
# rows_everywhere: six reads of rows in a row succeed (each replica finds PostgreSQL again by
# itself, on its own probe: one answer speaks for one replica only).
rows_everywhere() { local _; for _ in 1 2 3 4 5 6; do rows >/dev/null || return 1; done; }
# all_ready: every replica behind the gateway says it is ready (its /ready, which checks its
# database), as the gateway's /health reports them. A task is healthy as soon as it serves
# (/health), which may be before it has logged in to PostgreSQL.
all_ready() {
  curl -sf --max-time 5 "$G/health" | jq -e '[.upstreams[].replicas[].state]
    | length > 0 and all(. == "ready")' >/dev/null
}
# write_rows TAG: a user and a product written through the gateway, named TAG, once every
# replica is ready.
write_rows() {
  wait_for 30 "every replica ready" all_ready
  http POST "$G/users" -H 'Content-Type: application/json' \
    --data '{"name": "'"$1"'", "email": "'"$1"'@example.org"}'
  expect_eq 201 "$STATUS" "a user written before the update" || { echo "$BODY"; return 1; }
  http POST "$G/products" -H 'Content-Type: application/json' \
    --data '{"sku": "'"$1"'", "name": "'"$1"'", "price_cents": 1, "stock": 1}'
  expect_eq 201 "$STATUS" "a product written before the update" || { echo "$BODY"; return 1; }
}

test_every_task_serves_through_the_gateway() {
  products=$(task_hosts products-service)
  users=$(task_hosts users-service)
  expect_eq 3 "$(wc -l <<<"$products")" "running products tasks"
  # A task is in DNS from its start, before it listens: one the gateway tried too early
  # refused, and stays set aside for EJECT_SECONDS (10 s), so allow for that once.
  wait_for 15 "every products task to answer through the gateway" \
    serves_exactly /products/1 "$products" || true
  expect_eq "$products" "$(served_by /products/1 12)" "products replicas that answered"
  wait_for 15 "every users task to answer through the gateway" \
    serves_exactly /users/1 "$users" || true
  expect_eq "$users" "$(served_by /users/1 12)" "users replicas that answered"
  http GET "$G/api/overview"
  expect_eq "200 false" "$STATUS $(json .partial)" "overview"
}

test_rolling_update_loses_no_request_and_no_row() {
  trap stop_load EXIT
  write_rows ROLLING-1
  rows_before=$(rows)
  before=$(task_hosts products-service)
  start_load
  sleep 1
  # Waits until every task was replaced and watched for the monitor window (its exit status is
  # 0 after a rollback too: the update state below tells).
  start=$(now_ms)
  docker service update --force --quiet "${STACK}_products-service" >/dev/null
  took=$(( $(now_ms) - start ))
  wait_for 10 "the gateway to reach the new tasks only" \
    serves_exactly /products/1 "$(task_hosts products-service)"
  stop_load
  after=$(task_hosts products-service)
  echo "update: ${took} ms; $(load_summary)"
  expect_eq completed "$(docker service inspect -f '{{.UpdateStatus.State}}' \
    "${STACK}_products-service")" "update state"
  expect_eq 3 "$(wc -l <<<"$after")" "tasks after the update"
  expect_eq "" "$(comm -12 <(echo "$before") <(echo "$after"))" "tasks that survived the update"
  expect_eq 0 "$(failed_requests)" "failed requests during the update"
  # The stream was steady and really crossed the update: old tasks answered, then new ones.
  requests=$(load_lines | wc -l)
  [ "$requests" -ge 40 ] || fail "expected at least 40 requests during the update, got $requests"
  served=$(load_lines | awk '{ print $2 }' | sort -u)
  expect_eq "$(sort <(echo "$before") <(echo "$after"))" "$served" "tasks that answered"
  expect_eq "$rows_before" "$(rows)" "rows after the update"
}

test_an_update_of_postgres_keeps_every_row_in_its_volume() {
  write_rows POSTGRES-1
  before=$(rows)
  old=$(postgres_task)
  # A new task (stop-first: the old one is gone before it starts) on the same volume.
  bounded 120 docker service update --force --quiet "${STACK}_postgres"
  expect_eq 0 "$RC" "exit status of docker service update" || { echo "$OUT"; return 1; }
  wait_for 60 "the stack to converge after the update" converged
  new=$(postgres_task)
  [ -n "$old" ] && [ -n "$new" ] && [ "$new" != "$old" ] \
    || fail "the PostgreSQL task was not replaced (before: '$old', after: '$new')"
  wait_for 30 "every replica reading PostgreSQL again" rows_everywhere 2>/dev/null
  expect_eq "$before" "$(rows)" "rows after PostgreSQL was replaced"
}

test_killed_task_is_replaced_and_requests_keep_succeeding() {
  trap stop_load EXIT
  before=$(task_hosts products-service)
  victim=$(head -1 <<<"$before")
  start_load
  sleep 1
  docker kill "$victim" >/dev/null
  wait_for 60 "Swarm to replace the killed task by a healthy one" replaced "$victim"
  after=$(task_hosts products-service)
  wait_for 10 "the gateway to reach the replacement" serves_exactly /products/1 "$after"
  stop_load
  echo "kill: $(load_summary)"
  expect_eq 3 "$(wc -l <<<"$after")" "tasks after the kill"
  expect_eq "" "$(grep -x "$victim" <<<"$after")" "the killed task among the running ones"
  expect_match 'non-zero exit \(137\)' "$(docker service ps --no-trunc --format '{{.Error}}' \
    "${STACK}_products-service")" "the killed task's error"
  # The gateway retries a request without a body that could not connect, on another replica;
  # only a request already sent to the task as it died fails: one per loader at most.
  expect_le "$LOADERS" "$(failed_requests)" "failed requests around the kill"
}

test_a_version_that_cannot_start_rolls_back_with_no_failed_request() {
  trap stop_load EXIT
  printf 'FROM %s\nENV MAX_BODY_BYTES=0\n' "$IMAGE_PREFIX/products-service:$VERSION" \
    | DOCKER_BUILDKIT=0 docker build -q --network none -t "$BAD_IMAGE" - >/dev/null
  service=${STACK}_products-service
  image=$(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$service")
  before=$(task_hosts products-service)
  start_load
  sleep 1
  # Returns once the update failed and was rolled back (its exit status is 0 then too).
  bounded 300 docker service update --quiet --no-resolve-image --image "$BAD_IMAGE" "$service"
  expect_eq 0 "$RC" "exit status of docker service update" || { echo "$OUT"; return 1; }
  wait_for 60 "the stack to converge after the rollback" converged
  stop_load
  echo "report: rollback: $(load_summary)"
  expect_eq rollback_completed "$(docker service inspect -f '{{.UpdateStatus.State}}' \
    "$service")" "update state"
  expect_eq "$image" "$(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' \
    "$service")" "the service's image after the rollback"
  # Start-first: the old tasks were never stopped, and they are the ones running.
  expect_eq "$before" "$(task_hosts products-service)" "running tasks"
  expect_match 'non-zero exit \(2\)' "$(docker service ps --no-trunc --format '{{.Error}}' \
    "$service")" "the failed task's error"
  expect_eq 0 "$(failed_requests)" "failed requests during the update and its rollback"
  requests=$(load_lines | wc -l)
  expect_ge 40 "$requests" "requests during the update and its rollback"
}

test_make_swarm_down_5_leaves_nothing_behind_but_the_volume() {
  make_swarm swarm-down-5
  expect_eq "" "$(docker service ls -q --filter "$(label)" 2>/dev/null)" "services"
  expect_eq "" "$(docker ps -aq --filter "$(label)")" "containers"
  expect_eq "" "$(docker network ls -q --filter "$(label)")" "networks"
  expect_eq "" "$(docker network ls -q --filter "name=^${STACK}_")" "networks by name"
  expect_eq "${STACK}_pg-data" "$(docker volume ls -q --filter "name=^${STACK}_")" \
    "volumes after swarm-down-5"
  make_swarm swarm-reset-5
  expect_eq "" "$(docker volume ls -q --filter "name=^${STACK}_")" "volumes after swarm-reset-5"
  expect_eq "$SWARM_BEFORE" "$(swarm_state)" "swarm state"
  if [ "$SWARM_BEFORE" = active ]; then
    expect_eq "" "$(docker config ls -q --filter "$(label)")" "configs"
    expect_eq "" "$(docker secret ls -q --filter "$(label)")" "secrets"
  else
    expect_eq "$GWBRIDGE_BEFORE" "$(gwbridge_present)" "docker_gwbridge present"
    expect_eq "" "$(docker network ls -q --filter name=^ingress$)" "ingress network"
  fi
  expect_eq no "$([ -f "$MARKER" ] && echo yes || echo no)" "marker left"
}
