#!/usr/bin/env bash
# Deploys challenge 5 as a Docker Swarm stack, and removes it again.
# Usage: challenges/5/swarm/stack.sh up|down|reset
#        (run by `make swarm-5`, `make swarm-down-5` and `make swarm-reset-5`)
#
#   up    with no swarm, creates a single-node one on 127.0.0.1 and notes that in
#         $SWARM_MARKER; deploys stack.yaml; waits until every service has all its replicas
#         running and healthy and the gateway answers; prints what to try.
#   down  removes the stack, waits until its tasks, networks, configs and secrets are gone,
#         and leaves the swarm only if `up` created it and no other service runs in it. The
#         database's volume stays: the next `up` finds the rows.
#   reset down, then deletes the database's volume: the next `up` runs sql/ again.
#
# Settings (environment): SWARM_STACK (challenge-5), SWARM_GATEWAY_PORT (8086),
# SWARM_MARKER (build/swarm-created-by-us), IMAGE_PREFIX (desafios), VERSION (0.1.0).
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
export SWARM_STACK=${SWARM_STACK:-challenge-5}
export SWARM_GATEWAY_PORT=${SWARM_GATEWAY_PORT:-8086}
export IMAGE_PREFIX=${IMAGE_PREFIX:-desafios} VERSION=${VERSION:-0.1.0}
marker=${SWARM_MARKER:-$root/build/swarm-created-by-us}
stack=$SWARM_STACK
# How long a deploy may take to become healthy, and a removal to finish.
up_timeout=${SWARM_UP_TIMEOUT:-150}
down_timeout=${SWARM_DOWN_TIMEOUT:-60}

say() { echo "swarm-5: $*"; }

# until_true SECONDS COMMAND...: polls COMMAND every half second; 1 when time runs out.
until_true() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }
services_of_stack() {
  docker service ls --filter "label=com.docker.stack.namespace=$stack" --format '{{.Name}}'
}

# Every service of the stack has all its replicas running (Swarm counts a task with a
# healthcheck as running once it is healthy) and no update is under way.
converged() {
  local lines; lines=$(docker service ls --filter "label=com.docker.stack.namespace=$stack" \
    --format '{{.Replicas}}')
  [ "$(wc -l <<<"$lines")" -eq 5 ] || return 1
  while read -r replicas; do
    [[ $replicas =~ ^([0-9]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] \
      || return 1
  done <<<"$lines"
  # Task containers that exist but are not (yet, or no longer) healthy.
  [ -z "$(docker ps -q --filter "label=com.docker.stack.namespace=$stack" \
    --filter health=starting --filter health=unhealthy)" ]
}

gateway_answers() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$SWARM_GATEWAY_PORT/products/1"
}

up() {
  local image
  for image in gateway users-service products-service; do
    docker image inspect "$IMAGE_PREFIX/$image:$VERSION" >/dev/null 2>&1 || {
      say "no image $IMAGE_PREFIX/$image:$VERSION; build it with" \
        "make build/stamps/$image.image"; exit 1; }
  done
  case $(swarm_state) in
    active) ;;
    inactive)
      # The manager listens on loopback only: nothing outside this machine can join.
      local gwbridge=absent
      docker network inspect docker_gwbridge >/dev/null 2>&1 && gwbridge=present
      if docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null
      then
        mkdir -p "$(dirname "$marker")"
        echo "docker_gwbridge=$gwbridge" >"$marker"
        say "created a single-node swarm (swarm-down-5 leaves it again)"
      else
        [ "$(swarm_state)" = active ] || exit 1 # someone else created it meanwhile: use it
      fi ;;
    *) say "this engine's swarm state is '$(swarm_state)'; expected active or inactive"; exit 1 ;;
  esac
  [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ] \
    || { say "this node is a swarm worker; deploy from a manager"; exit 1; }

  # A config never changes: a new routes.conf gets a new name (and the gateway rolls onto it),
  # and so do new database scripts.
  ROUTES_DIGEST=$(sha256sum "$here/../routes.conf" | cut -c1-12) \
  SQL_DIGEST=$(cat "$here/../postgres-init.sh" "$root"/sql/users/* "$root"/sql/products/* \
    | sha256sum | cut -c1-12) \
    docker stack deploy --resolve-image never --prune --detach=true \
      -c "$here/stack.yaml" "$stack"
  say "waiting until every replica is running and healthy"
  if ! until_true "$up_timeout" converged || ! until_true 30 gateway_answers; then
    say "the stack did not become healthy within ${up_timeout}s:"
    docker stack services "$stack"
    docker stack ps --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$stack" | head -20
    exit 1
  fi
  echo
  docker stack services "$stack"
  echo
  sed -e "s/8086/$SWARM_GATEWAY_PORT/g" -e "s/challenge-5/$stack/g" "$here/try.txt"
}

stack_leftovers() {
  local label="label=com.docker.stack.namespace=$stack"
  docker service ls -q --filter "$label"
  docker ps -aq --filter "$label"
  docker network ls -q --filter "$label"
  docker config ls -q --filter "$label"
  docker secret ls -q --filter "$label"
}
gone() { [ -z "$(stack_leftovers)" ]; }

gwbridge_removed() {
  ! docker network inspect docker_gwbridge >/dev/null 2>&1 \
    || docker network rm docker_gwbridge >/dev/null 2>&1
}

down() {
  local state; state=$(swarm_state)
  if [ "$state" = active ] && [ -n "$(services_of_stack)$(docker network ls -q \
      --filter "label=com.docker.stack.namespace=$stack")" ]; then
    docker stack rm "$stack"
    # stack rm returns at once; tasks stop and networks go in the background.
    until_true "$down_timeout" gone \
      || { say "stack $stack still has, after ${down_timeout}s:"; stack_leftovers; exit 1; }
    say "stack $stack removed: no service, container, network or config left"
  fi
  [ -f "$marker" ] || return 0
  if [ "$state" = active ] && [ -n "$(docker service ls -q)" ]; then
    say "the swarm stays: other services run in it ($(docker service ls --format '{{.Name}}' \
      | paste -sd' '))"
    return 0
  fi
  if [ "$state" = active ]; then
    docker swarm leave --force >/dev/null
    say "left the swarm that swarm-5 created"
  fi
  # `swarm init` created docker_gwbridge (the bridge behind host-mode ports) and leaving keeps
  # it: remove it too when it was not there before.
  if grep -qx 'docker_gwbridge=absent' "$marker"; then
    until_true 20 gwbridge_removed \
      || say "docker_gwbridge is still in use; remove it later: docker network rm docker_gwbridge"
  fi
  rm -f "$marker"
}

# The database's volume outlives the stack; reset deletes it, once no container holds it.
reset() {
  down
  local volume=${stack}_pg-data
  if docker volume inspect "$volume" >/dev/null 2>&1; then
    until_true 20 docker volume rm "$volume" >/dev/null \
      || { say "volume $volume is still in use"; exit 1; }
    say "volume $volume deleted: the next swarm-5 starts from empty databases"
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  reset) reset ;;
  *) echo "usage: $0 up|down|reset"; exit 2 ;;
esac
