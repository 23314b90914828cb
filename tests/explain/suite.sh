# make explain-N: every value it prints is checked against Docker itself. Every challenge
# runs, each in its own compose project with its own ports (`make test-explain` builds their
# images; one missing or failing to start fails the setup: nothing is left out). explain runs
# once per challenge, in setup; the tests read what it printed. Challenge 1 runs two clients,
# so that a name resolves to two addresses. Each loop over what Docker reports checks how
# many it went through, so that a loop over nothing cannot pass.

SECTIONS="images networks ports volumes processes health"
CHALLENGES="1 2 3 4 5"
# What each challenge runs: containers (challenge 1: a server and two clients), networks,
# Java services, and (network, service) and (network, container) pairs.
declare -A CONTAINERS=([1]=3 [2]=1 [3]=3 [4]=2 [5]=5)
declare -A NETWORKS=([1]=1 [2]=1 [3]=2 [4]=2 [5]=4)
JVMS=7 SERVICES_ON_NETWORKS=19 CONTAINERS_ON_NETWORKS=20

# stack N ARGS...: docker compose on challenge N, in this suite's project for it.
stack() { docker compose -f "$ROOT/challenges/$1/compose.yaml" -p "test-explain$1-$$" "${@:2}"; }
project_of() { echo "test-explain$1-$$"; }

# up N: starts challenge N with free ports (and, for 3, its own password file).
up() {
  case $1 in
    1) SERVER_PORT=$(free_port) CLIENT_INTERVAL=1 stack 1 up -d --wait --scale client=2;;
    2) DB_PORT=$(free_port) stack 2 up -d --wait;;
    3) CATALOG_PORT=$(free_port) CATALOG_PASSWORD_FILE=$TMP/db-password stack 3 up -d --wait;;
    4) B_PORT=$(free_port) stack 4 up -d --wait;;
    5) GATEWAY_PORT=$(free_port) stack 5 up -d --wait;;
  esac
}

# images_built N: every image challenge N names is here (nothing is ever pulled).
images_built() {
  local images; images=$(CATALOG_PASSWORD_FILE=$TMP/db-password stack "$1" config --images) || return 1
  for image in $images; do docker image inspect "$image" >/dev/null 2>&1 || return 1; done
}

setup() {
  remember TMP "$(mktemp -d)"
  make -s -C "$ROOT" challenges/2/secrets/db-password   # the rule run-2 depends on
  make -s -C "$ROOT" secrets-5 >/dev/null               # the passwords run-5 makes
  (umask 022; head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$TMP/db-password")
  expect_eq "$CHALLENGES" "$(ls "$ROOT/challenges" | sort -n | paste -sd' ')" "the challenges"
  for n in $CHALLENGES; do
    images_built "$n" || fail "challenge $n: an image is missing; run 'make test-explain'"
  done
  # Each challenge is explained as soon as it is up; any failed start fails the setup.
  declare -A job
  for n in $CHALLENGES; do
    (up "$n" >"$TMP/up.$n" 2>&1 || exit
     COMPOSE_PROJECT_NAME=$(project_of "$n") "$ROOT/src/explain/explain" "$n" >"$TMP/out.$n" 2>&1
     echo $? >"$TMP/rc.$n") &
    job[$n]=$!
  done
  # Every start ends before setup does, failed or not: teardown must find all there is.
  failed=""
  for n in $CHALLENGES; do wait "${job[$n]}" || failed+=" $n"; done
  for n in $failed; do echo "challenge $n did not start:"; tail -20 "$TMP/up.$n"; done
  [ -z "$failed" ]
}

teardown() {
  local n pids=() status=0
  for n in $CHALLENGES; do
    CATALOG_PASSWORD_FILE=$TMP/db-password stack "$n" down -v --remove-orphans -t 1 &
    pids+=($!)
  done
  for n in "${pids[@]}"; do wait "$n" || status=1; done
  rm -rf "$TMP"
  return "$status"
}

# section N NAME: the lines of section NAME of challenge N's output.
section() { awk -v h="== $2" 'index($0, h) == 1 { on = 1; next } /^== / { on = 0 } on' "$TMP/out.$1"; }
# network_block N NETWORK: the lines about one network, from its title to the blank line.
network_block() { section "$1" networks | awk -v net="$2" '$1 == net { on = 1 } /^$/ { on = 0 } on'; }
# row TEXT NAME: the first row of a table in TEXT whose first column is NAME.
row() { awk -v name="$2" '$1 == name { print; exit }' <<<"$1"; }
# networks_of N: the project's networks, by name.
networks_of() { docker network ls -q --filter "label=com.docker.compose.project=$(project_of "$1")" \
  | xargs docker network inspect -f '{{.Name}}' | sort; }
# containers N: the project's running containers, by name.
containers() { docker ps --filter "label=com.docker.compose.project=$(project_of "$1")" --format '{{.Names}}' | sort; }
short() { echo "${2#"$(project_of "$1")"-}"; }

test_every_section_is_printed_and_exit_is_0() {
  for n in $CHALLENGES; do
    expect_eq 0 "$(cat "$TMP/rc.$n")" "exit status of explain $n" || { head -20 "$TMP/out.$n"; return 1; }
    count=$(containers "$n" | wc -l)
    expect_eq "${CONTAINERS[$n]}" "$count" "running containers of challenge $n"
    expect_eq "challenge $n, compose project '$(project_of "$n")': $count of $count containers running" \
      "$(head -1 "$TMP/out.$n")" "first line of explain $n"
    for s in $SECTIONS; do
      grep -q "^== $s " "$TMP/out.$n" || fail "explain $n printed no '== $s' header"
    done
  done
}

test_subnet_and_internal_flag_match_network_inspect() {
  for n in $CHALLENGES; do
    expect_eq "${NETWORKS[$n]}" "$(networks_of "$n" | wc -l)" "networks of challenge $n"
    for net in $(networks_of "$n"); do
      title=$(network_block "$n" "$net" | head -1)
      expect_match "^$net " "$title" "title of network $net"
      expect_eq "$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$net")" \
        "$(sed -n 's/.* subnet \([^,]*\),.*/\1/p' <<<"$title")" "subnet of $net"
      internal=no; [ "$(docker network inspect -f '{{.Internal}}' "$net")" = true ] && internal=yes
      expect_eq "$internal" "$(sed -n 's/.* internal: \([a-z]*\).*/\1/p' <<<"$title")" "internal flag of $net"
    done
  done
}

test_names_resolve_to_every_container_address() {
  services=0 attachments=0
  for n in $CHALLENGES; do
    # One line per container and network: CONTAINER SERVICE NETWORK ADDRESS.
    attached=$(docker inspect -f '{{$c := .Name}}{{$s := index .Config.Labels "com.docker.compose.service"}}{{range $net, $e := .NetworkSettings.Networks}}{{$c}} {{$s}} {{$net}} {{$e.IPAddress}}{{println}}{{end}}' \
      $(containers "$n") | sed 's|^/||; /^$/d')
    for net in $(networks_of "$n"); do
      block=$(network_block "$n" "$net")
      expect_match 'DNS server: 127\.0\.0\.11 ' "$(grep 'DNS server:' <<<"$block")" "DNS server on $net"
      for s in $(awk -v net="$net" '$3 == net { print $2 }' <<<"$attached" | sort -u); do
        expected=$(awk -v net="$net" -v s="$s" '$3 == net && $2 == s { print $4 }' <<<"$attached" \
          | sort -V | paste -sd' ')
        printed=$(awk -v s="$s" '/^  NAME / { on = 1; next } on && $1 == s { $1 = ""; print substr($0, 2) }' <<<"$block")
        expect_eq "$expected" "$printed" "addresses of '$s' on $net"
        services=$((services + 1))
      done
      # Each container's own address, in the table of attached containers.
      while read -r c _ _ address; do
        expect_eq "$address" "$(row "$block" "$(short "$n" "$c")" | awk '{ print $2 }')" "address of $c on $net"
        attachments=$((attachments + 1))
      done < <(awk -v net="$net" '$3 == net' <<<"$attached")
    done
  done
  expect_eq "$SERVICES_ON_NETWORKS $CONTAINERS_ON_NETWORKS" "$services $attachments" \
    "(network, service) and (network, container) pairs checked"
  # Two clients: the service name answers with both addresses.
  expect_match '^[0-9.]+ [0-9.]+$' \
    "$(network_block 1 "$(project_of 1)_hello-net" | awk '$1 == "client" && NF == 3 { print $2, $3 }')" \
    "the two addresses of client"
}

test_dns_server_is_the_one_in_the_containers_resolv_conf() {
  # The client image has a shell: its own /etc/resolv.conf, read with docker exec.
  client=$(containers 1 | grep client | head -1)
  expect_eq "$(docker exec "$client" awk '$1 == "nameserver" { print $2 }' /etc/resolv.conf)" \
    "$(network_block 1 "$(project_of 1)_hello-net" | sed -n 's/^  DNS server: \([^ ]*\).*/\1/p')" \
    "nameserver"
}

test_jvm_sees_the_cpu_limit_of_the_compose_file() {
  checked=0
  for n in $CHALLENGES; do
    limits=$(section "$n" processes | grep -A99 '^  CONTAINER  *MEMORY')
    config=$(CATALOG_PASSWORD_FILE=$TMP/db-password stack "$n" config --format json)
    while read -r c s path; do
      [ "$path" = java ] || continue
      cpus=$(jq -r --arg s "$s" '.services[$s].deploy.resources.limits.cpus' <<<"$config")
      # The JVM counts whole processors: ceil(cpus), and never more than the machine has.
      expected=$(awk -v c="$cpus" -v m="$(nproc)" 'BEGIN { e = int(c); if (e < c) e++; print (e < m ? e : m) }')
      line=$(row "$limits" "$(short "$n" "$c")")
      expect_eq "$(awk -v c="$cpus" 'BEGIN { printf "%g", c }')" "$(awk '{ print $3 }' <<<"$line")" "CPUS of $c"
      expect_eq "$expected" "$(awk '{ print $5 }' <<<"$line")" "processors the JVM of $c sees (cpus: $cpus)"
      checked=$((checked + 1))
    done < <(docker inspect -f '{{.Name}} {{index .Config.Labels "com.docker.compose.service"}} {{.Path}}' \
               $(containers "$n") | sed 's|^/||')
  done
  expect_eq "$JVMS" "$checked" "JVMs checked"
}

test_configured_limits_and_users_match_docker_inspect() {
  checked=0
  for n in 1 2; do
    limits=$(section "$n" processes)
    for c in $(containers "$n"); do
      mem=$(docker inspect -f '{{.HostConfig.Memory}}' "$c")
      pids=$(docker inspect -f '{{.HostConfig.PidsLimit}}' "$c")
      user=$(docker inspect -f '{{.Config.User}}' "$c")
      command=$(docker inspect --type container -f '{{.Path}}{{range .Args}} {{.}}{{end}}' "$c")
      line=$(row "$(grep -A99 '^  CONTAINER  *MEMORY' <<<"$limits")" "$(short "$n" "$c")")
      expect_eq "$((mem / 1048576))MiB $pids" "$(awk '{ print $2, $4 }' <<<"$line")" "memory and pids of $c"
      pid1=$(row "$limits" "$(short "$n" "$c")")
      expect_eq "${user:-root}" "$(awk '{ print $2 }' <<<"$pid1")" "user of $c"
      [[ $pid1 == *"  $command" ]] || fail "PID 1 of $c is not '$command': $pid1"
      checked=$((checked + 1))
    done
  done
  expect_eq $((CONTAINERS[1] + CONTAINERS[2])) "$checked" "containers checked"
  # PID 1 of the database runs as postgres once its entry point has switched user.
  db=$(containers 2)
  expect_match "uid $(docker exec "$db" id -u postgres), now: postgres" \
    "$(row "$(section 2 processes)" db-1)" "PID 1 of the database"
}

test_volume_is_the_projects_own() {
  volumes=$(section 2 volumes)
  name="$(project_of 2)_db-data"
  expect_eq "$name" "$(docker inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{end}}{{end}}' "$(containers 2)")" "volume mounted by db"
  expect_eq "  $name   named volume of compose project $(project_of 2)" "$(grep "^  $name " <<<"$volumes")" "volume title"
  expect_eq "$(docker volume inspect -f '{{.Mountpoint}}' "$name")" \
    "$(sed -n 's/^ *on the host  *//p' <<<"$volumes")" "mount point on the host"
  expect_eq "db-1 at /var/lib/postgresql/data (read-write)" \
    "$(sed -n 's/^ *mounted by  *//p' <<<"$volumes")" "mounted by"
  expect_match '^[0-9.]+[kMG]?B$' "$(sed -n 's/^ *size  *//p' <<<"$volumes")" "size"
  # Challenge 5's one volume holds both services' databases (one PostgreSQL server).
  volumes=$(section 5 volumes)
  name="$(project_of 5)_pg-data"
  expect_eq "  $name   named volume of compose project $(project_of 5)" \
    "$(grep "^  $name " <<<"$volumes")" "volume title of challenge 5"
  expect_eq "postgres-1 at /var/lib/postgresql/data (read-write)" \
    "$(sed -n 's/^ *mounted by  *//p' <<<"$volumes")" "mounted by, challenge 5"
  # Both databases' networks, internal: users-data (PostgreSQL) and products-data (and Redis).
  for net in users-data products-data; do
    expect_match "^$(project_of 5)_$net .*internal: yes" \
      "$(network_block 5 "$(project_of 5)_$net" | head -1)" "title of challenge 5's $net"
  done
  # Challenge 1 keeps nothing.
  expect_match '^  none: ' "$(section 1 volumes | head -1)" "volumes of challenge 1"
}

test_published_ports_match_docker_port() {
  checked=0
  for n in $CHALLENGES; do
    ports=$(section "$n" ports)
    for c in $(containers "$n"); do
      line=$(row "$ports" "$(short "$n" "$c")")
      published=$(docker port "$c" 8080/tcp 2>/dev/null || docker port "$c" 5432/tcp 2>/dev/null || true)
      if [ -n "$published" ]; then
        expect_eq "$published" "$(awk '{ print $3 }' <<<"$line")" "published address of $c"
      else
        expect_match '^[^ ]+ +- +not published: containers on [^ ,]+(, [^ ,]+)* reach it, no other machine$' "$(sed 's/^ *//' <<<"$line")" "row of $c"
      fi
      checked=$((checked + 1))
    done
  done
  expect_eq $((CONTAINERS[1] + CONTAINERS[2] + CONTAINERS[3] + CONTAINERS[4] + CONTAINERS[5])) \
    "$checked" "containers checked"
}

test_images_show_layers_modules_user_and_entrypoint() {
  images=$(section 1 images)
  server="$IMAGE_PREFIX/server:$VERSION"
  id=$(docker inspect -f '{{.Image}}' "$(containers 1 | grep server)")
  block=$(awk -v ref="$server" '$1 == ref { on = 1; next } /^$/ { on = 0 } on' <<<"$images")
  expect_eq "$(docker image inspect -f '{{.Config.User}}' "$id")" "$(row "$block" user | awk '{ print $2 }')" "user"
  expect_eq "entrypoint   $(docker image inspect -f '{{join .Config.Entrypoint " "}}' "$id")" \
    "$(grep '^  entrypoint' <<<"$block" | sed 's/^  //; s/entrypoint  */entrypoint   /')" "entrypoint"
  # The options in the argument files the entrypoint names (src/jvm/service.options and the
  # start-up cache's), as the image holds them.
  expect_match '^ *jvm options +-XX:MaxRAMPercentage=25 .*-XX:\+UseSerialGC .*-XX:(AOTCache|SharedArchiveFile)=' \
    "$(row "$block" jvm)" "jvm options"
  expect_match 'kit\.HealthCheck$' "$(row "$block" healthcheck)" "healthcheck"
  modules=$(docker run --rm --pull never --network none --entrypoint java "$id" --list-modules \
    | cut -d@ -f1 | paste -sd' ')
  expect_eq "$modules" "$(sed -n 's/.*modules: //p' <<<"$block")" "jlink modules"
  # One row per file system layer, between the SIZE header and the metadata summary.
  for ref in "$server" "$IMAGE_PREFIX/client:$VERSION"; do
    block=$(awk -v ref="$ref" '$1 == ref { on = 1; next } /^$/ { on = 0 } on' <<<"$images")
    printed=$(awk '/^    SIZE / { on = 1; next } on && /^    [0-9]/' <<<"$block" | wc -l)
    expect_eq "$(docker image inspect -f '{{len .RootFS.Layers}}' "$ref")" "$printed" "layers of $ref"
  done
}

test_health_matches_docker_inspect() {
  checked=0
  for n in 1 2; do
    health=$(section "$n" health)
    for c in $(containers "$n"); do
      expect_eq "running, $(docker inspect -f '{{.State.Health.Status}}' "$c")" \
        "$(row "$health" "$(short "$n" "$c")" | awk '{ print $2, $3 }')" "health of $c"
      checked=$((checked + 1))
    done
  done
  expect_eq $((CONTAINERS[1] + CONTAINERS[2])) "$checked" "containers checked"
  expect_match "^  db +every 1s, timeout 3s, 5 retries +compose file: sh -c 'pg_isready " \
    "$(row "$(section 2 health)" db)" "db's check"
}

test_not_running_project_exits_1_with_one_line() {
  out=$(COMPOSE_PROJECT_NAME=test-explain-none-$$ "$ROOT/src/explain/explain" 1 2>&1) && status=0 || status=$?
  expect_eq 1 "$status" "exit status"
  expect_eq "challenge 1 is not running (no running container in compose project 'test-explain-none-$$'): start it with 'make run-1'" \
    "$out" "output"
}

test_unknown_challenge_is_a_usage_error() {
  out=$("$ROOT/src/explain/explain" 99 2>&1) && status=0 || status=$?
  expect_eq 2 "$status" "exit status"
  expect_match '^usage: make explain-N, where N is a challenge \(have: 1 2 ' "$out" "output"
}
