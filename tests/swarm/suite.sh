# Challenge 5 on a single-node Docker Swarm (challenges/5/swarm): `make swarm-5` deploys the
# stack; every task serves through the gateway; a rolling update under a steady stream of
# requests loses none; a killed task is replaced while requests keep succeeding; a version
# that cannot start rolls back by itself, again under requests that all succeed; and
# `make swarm-down-5` leaves nothing behind, the swarm itself included when it made it.
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
}

teardown() {
  stop_load
  # Whatever a failed test left: the stack, and the swarm if setup created it.
  SWARM_STACK=$STACK SWARM_MARKER=$MARKER "$ROOT/challenges/5/swarm/stack.sh" down
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
converged() {
  [ "$(replicas)" = "gateway 1/1,products-service 3/3,users-service 3/3" ] \
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
  expect_eq "gateway 1/1,products-service 3/3,users-service 3/3" "$(replicas)" "replicas"
  expect_eq 7 "$(docker ps -q --filter "$(label)" --filter health=healthy | wc -l)" \
    "healthy containers"
  for s in gateway users-service products-service; do
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
  config=$(docker config ls --filter "$(label)" --format '{{.Name}}')
  expect_match "^${STACK}_routes-[0-9a-f]{12}$" "$config" "config name"
  expect_eq "$(cat "$ROOT/challenges/5/routes.conf")" \
    "$(docker config inspect -f '{{printf "%s" .Spec.Data}}' "$config")" "config content"
  expect_eq "true" "$(docker network inspect -f '{{.Internal}}' "${STACK}_back")" "back internal"
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

test_rolling_update_loses_no_request() {
  trap stop_load EXIT
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

test_make_swarm_down_5_leaves_nothing_behind() {
  make_swarm swarm-down-5
  expect_eq "" "$(docker service ls -q --filter "$(label)" 2>/dev/null)" "services"
  expect_eq "" "$(docker ps -aq --filter "$(label)")" "containers"
  expect_eq "" "$(docker network ls -q --filter "$(label)")" "networks"
  expect_eq "" "$(docker network ls -q --filter "name=^${STACK}_")" "networks by name"
  expect_eq "$SWARM_BEFORE" "$(swarm_state)" "swarm state"
  if [ "$SWARM_BEFORE" = active ]; then
    expect_eq "" "$(docker config ls -q --filter "$(label)")" "configs"
  else
    expect_eq "$GWBRIDGE_BEFORE" "$(gwbridge_present)" "docker_gwbridge present"
    expect_eq "" "$(docker network ls -q --filter name=^ingress$)" "ingress network"
  fi
  expect_eq no "$([ -f "$MARKER" ] && echo yes || echo no)" "marker left"
}
