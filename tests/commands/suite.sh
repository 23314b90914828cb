# The commands a user types, as the READMEs show them: `make run-N` and `make down-N` for each
# challenge, challenge 2's check-2, psql-2 and reset-2, and challenge 5's rows through down-5,
# run-5 and reset-5, on their real ports and under their
# real compose project names (challenge-N). A challenge whose port is taken, or that already
# has containers or volumes here (someone's: never touched), is skipped, saying which.

# The ports each challenge publishes by default (compose.yaml, and compose.tls.yaml for 5).
declare -A PORTS=([1]="8080" [2]="5432" [3]="8083" [4]="8084" [5]="8085 8443")

teardown() {
  local n
  for n in ${STARTED:-}; do
    # With Prometheus's overlay where there is one: its volume goes too.
    docker compose -f "$ROOT/challenges/$n/compose.yaml" \
      $(ls "$ROOT/challenges/$n/compose.observe.yaml" 2>/dev/null | sed 's/^/-f /') \
      -p "challenge-$n" down -v --remove-orphans -t 1
  done
}

# mk TARGET [MAKE_ARGS...]: runs `make TARGET` in the repository as a user would (15 minutes at
# most: it may build images); sets OUT and RC.
mk() { bounded 900 make --no-print-directory -C "$ROOT" "$@"; }

# usable N: skips the test unless challenge N's ports are free and its project has nothing
# here; otherwise notes that this suite starts it (its teardown and the runner's leak check
# then cover it).
usable() {
  local n=$1 port
  # What an earlier test of this suite left of challenge N (a test that failed half-way, or a
  # volume that down keeps) is ours to remove; anything else is someone's and is not touched.
  if [[ " ${STARTED:-} " == *" $n "* ]]; then
    docker compose -f "$ROOT/challenges/$n/compose.yaml" -p "challenge-$n" down -v \
      --remove-orphans -t 1 >/dev/null 2>&1 || true
  fi
  for port in ${PORTS[$n]}; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      skip "port $port is taken on 127.0.0.1, so make run-$n cannot publish there"
    fi
  done
  [ -z "$(project_objects "$n")" ] \
    || skip "challenge-$n already has, here: $(project_objects "$n" | paste -sd' '); not touched"
  remember STARTED "${STARTED:-} $n"
  remember LEAK_PROJECTS "${LEAK_PROJECTS:-} challenge-$n"
}
# started_here N: skips the test unless an earlier one started challenge N.
started_here() {
  [[ " ${STARTED:-} " == *" $1 "* ]] || skip "challenge $1 was not started here (see above)"
}

# project_objects N [KIND...]: the containers, networks and volumes of project challenge-N.
project_objects() {
  local label="label=com.docker.compose.project=challenge-$1" kinds=${*:2}
  kinds=${kinds:-container network volume}
  if [[ $kinds == *container* ]]; then
    docker ps -a --filter "$label" --format 'container {{.Names}}'
  fi
  if [[ $kinds == *network* ]]; then
    docker network ls --filter "$label" --format 'network {{.Name}}'
  fi
  if [[ $kinds == *volume* ]]; then
    docker volume ls --filter "$label" --format 'volume {{.Name}}'
  fi
}

# run_shows_try N: `make run-N` succeeds and ends with what challenges/N/try.txt says.
run_shows_try() {
  mk "run-$1"
  expect_eq 0 "$RC" "exit status of make run-$1" || { tail -20 <<<"$OUT"; return 1; }
  [[ $OUT == *"$(cat "$ROOT/challenges/$1/try.txt")" ]] \
    || fail "make run-$1 did not end with challenges/$1/try.txt: $(tail -5 <<<"$OUT")"
}

# down_leaves N VOLUMES: `make down-N` succeeds and leaves no container or network of the
# project, and exactly VOLUMES (the volumes that outlive it).
down_leaves() {
  mk "down-$1"
  expect_eq 0 "$RC" "exit status of make down-$1" || { tail -20 <<<"$OUT"; return 1; }
  expect_eq "" "$(project_objects "$1" container network)" \
    "containers and networks after down-$1" || return
  expect_eq "$2" "$(project_objects "$1" volume | sed 's/^volume //' | paste -sd' ')" \
    "volumes after down-$1"
}

test_1_run_answers_on_8080_and_down_removes_it() {
  usable 1
  run_shows_try 1
  http GET http://127.0.0.1:8080/
  expect_eq 200 "$STATUS" "GET / on 127.0.0.1:8080"
  expect_eq "hello from the server container" "$(json .message)"
  down_leaves 1 ""
}

# check_rows: the rows of `make check-2`, as "TABLE COUNT" joined by commas.
check_rows() {
  mk check-2
  expect_eq 0 "$RC" "exit status of make check-2" || { echo "$OUT"; return 1; }
  sed -n 's/^ *\([a-z_]*\) *| *\([0-9][0-9]*\)$/\1 \2/p' <<<"$OUT" | paste -sd,
}
# psql_2 SQL: runs SQL in `make psql-2`, its standard input (as `echo ... | make psql-2` in
# the README); prints psql's answer, unaligned, its lines joined by "|".
psql_2() {
  bounded 120 make --no-print-directory -s -C "$ROOT" psql-2 \
    <<<$'\\set QUIET on\n\\pset format unaligned\n\\pset tuples_only on\n'"$1"
  expect_eq 0 "$RC" "exit status of make psql-2" || { echo "$OUT"; return 1; }
  paste -sd'|' <<<"$OUT"
}

test_2_run_then_check_shows_the_seeded_rows() {
  usable 2
  run_shows_try 2
  expect_eq "users 5,products 12,orders 4,order_items 7" "$(check_rows)" "make check-2"
}

test_2_psql_2_reads_and_writes_through_5432() {
  started_here 2
  expect_eq 5 "$(psql_2 'SELECT count(*) FROM users;')" "users, read with make psql-2"
  expect_eq "you@example.com" "$(psql_2 "INSERT INTO users (email, name) \
VALUES ('you@example.com', 'You') RETURNING email;")" "the row make psql-2 inserted"
  expect_eq "users 6,products 12,orders 4,order_items 7" "$(check_rows)" "make check-2"
}

test_2_down_keeps_the_data_and_run_finds_it() {
  started_here 2
  down_leaves 2 challenge-2_db-data
  run_shows_try 2
  expect_eq "users 6,products 12,orders 4,order_items 7" "$(check_rows)" \
    "make check-2 after down-2 and run-2"
}

test_2_reset_deletes_the_volume() {
  started_here 2
  mk reset-2
  expect_eq 0 "$RC" "exit status of make reset-2" || { echo "$OUT"; return 1; }
  expect_match "reset-2: the data volume is gone" "$OUT" "what reset-2 says"
  expect_eq "" "$(project_objects 2)" "containers, networks and volumes after reset-2"
}

test_3_run_answers_on_8083_and_down_keeps_its_volume() {
  usable 3
  run_shows_try 3
  # Healthy is /health (the catalog runs); it reaches PostgreSQL and Redis in the background,
  # and says so on /ready.
  wait_for 30 "the catalog ready" curl -sf http://127.0.0.1:8083/ready
  http GET http://127.0.0.1:8083/products/1
  expect_eq "200 KB-101" "$STATUS $(json .data.sku)" "GET /products/1 on 127.0.0.1:8083"
  down_leaves 3 challenge-3_pg-data
}

test_4_run_answers_on_8084_and_down_removes_it() {
  usable 4
  run_shows_try 4
  http GET http://127.0.0.1:8084/profiles/1
  expect_eq "200 Ada Lovelace" "$STATUS $(json .name)" "GET /profiles/1 on 127.0.0.1:8084"
  down_leaves 4 ""
}

test_5_run_answers_https_on_8443_and_down_keeps_its_volume() {
  usable 5
  run_shows_try 5
  http GET https://localhost:8443/users/1 --cacert "$ROOT/challenges/5/secrets/gateway.crt"
  expect_eq "200 ada@example.org" "$STATUS $(json .email)" "GET /users/1 on https://localhost:8443"
  http GET http://127.0.0.1:8085/users/1
  expect_eq "308 https://127.0.0.1:8443/users/1" "$STATUS $(header location)" \
    "GET /users/1 on the plain port 8085"
  down_leaves 5 challenge-5_pg-data
}

# users_5: how many users challenge 5 holds (the list's total), through its HTTPS port.
users_5() {
  curl -sS --fail-with-body --cacert "$ROOT/challenges/5/secrets/gateway.crt" \
    https://localhost:8443/users?limit=1 | jq -r .total
}

test_5_rows_survive_down_and_run_and_reset_deletes_them() {
  started_here 5
  run_shows_try 5
  local seeded
  seeded=$(users_5)
  http POST https://localhost:8443/users --cacert "$ROOT/challenges/5/secrets/gateway.crt" \
    -H 'Content-Type: application/json' --data '{"name": "Kept", "email": "kept@example.org"}'
  expect_eq 201 "$STATUS" "a user written through make run-5's gateway"
  expect_eq $((seeded + 1)) "$(users_5)" "users after the write"
  down_leaves 5 challenge-5_pg-data
  run_shows_try 5
  expect_eq $((seeded + 1)) "$(users_5)" "users after down-5 and run-5"
  mk reset-5
  expect_eq 0 "$RC" "exit status of make reset-5" || { echo "$OUT"; return 1; }
  expect_match "reset-5: the data volume is gone" "$OUT" "what reset-5 says"
  expect_eq "" "$(project_objects 5)" "containers, networks and volumes after reset-5"
  run_shows_try 5
  expect_eq "$seeded" "$(users_5)" "users after reset-5 and run-5: the seed rows only"
  down_leaves 5 challenge-5_pg-data
  docker volume rm challenge-5_pg-data >/dev/null
}

test_5_run_with_tls_off_answers_plain_http_on_8085() {
  usable 5
  mk run-5 TLS_5=off
  expect_eq 0 "$RC" "exit status of make run-5 TLS_5=off" || { tail -20 <<<"$OUT"; return 1; }
  [[ $OUT == *"$(cat "$ROOT/challenges/5/try.plain.txt")" ]] \
    || fail "make run-5 TLS_5=off did not end with challenges/5/try.plain.txt: $(tail -5 <<<"$OUT")"
  http GET http://127.0.0.1:8085/users/1
  expect_eq "200 ada@example.org" "$STATUS $(json .email)" "GET /users/1 on http://127.0.0.1:8085"
  if (exec 3<>/dev/tcp/127.0.0.1/8443) 2>/dev/null; then fail "8443 open with TLS_5=off"; fi
  down_leaves 5 challenge-5_pg-data
  docker volume rm challenge-5_pg-data >/dev/null
}

test_5_observe_scrapes_the_gateway_on_https_and_down_keeps_its_data() {
  if (exec 3<>/dev/tcp/127.0.0.1/9095) 2>/dev/null; then
    skip "port 9095 is taken on 127.0.0.1, so make observe-5 cannot publish Prometheus there"
  fi
  usable 5
  mk observe-5
  expect_eq 0 "$RC" "exit status of make observe-5" || { tail -20 <<<"$OUT"; return 1; }
  expect_match 'Prometheus: http://127\.0\.0\.1:9095 ' "$(tail -1 <<<"$OUT")" "its last line"
  # Every service a target, the gateway asked on HTTPS (trusting the generated certificate).
  local targets='[.data.activeTargets[] | select(.health == "up")
    | "\(.labels.job) \(.scrapeUrl | sub("//[^/]*/"; "//ADDRESS/"))"] | sort | join(", ")'
  local want="gateway https://ADDRESS/metrics, products-service http://ADDRESS/metrics,"
  want+=" prometheus http://ADDRESS/metrics, users-service http://ADDRESS/metrics"
  wait_for 40 "every target up" bash -c "curl -sf http://127.0.0.1:9095/api/v1/targets \
    | jq -ren 'input | $targets' | grep -qxF '$want'" || true
  expect_eq "$want" "$(curl -sf http://127.0.0.1:9095/api/v1/targets | jq -ren "input | $targets")" \
    "Prometheus's targets"
  down_leaves 5 "challenge-5_pg-data challenge-5_prometheus-data"
  docker volume rm challenge-5_pg-data challenge-5_prometheus-data >/dev/null
}
