# The labs (challenges/N/labs/): `make lab-N` runs challenge N broken on purpose, and fails as
# its README says, word for word; `make lab-N-solution` runs the fix, which works. Each lab is
# a compose project of this run (LAB_PROJECT), on a free port (LAB_PORT).

setup() {
  remember SECRET_3 "$(mktemp -d)/db-password"
  make -s -C "$ROOT" CATALOG_PASSWORD_FILE="$SECRET_3" "$SECRET_3"   # the rule lab-3 depends on
}

teardown() {
  local n
  for n in 1 2 3 4 5; do lab "$n" "lab-$n-down"; done
  rm -rf "$(dirname "$SECRET_3")"
}

# lab N TARGET: `make TARGET` for lab N, with this run's project and a free port; sets OUT and
# RC, as `bounded` (a lab must start, or fail to, within 120 s).
# A free port may be taken before Docker binds it (by another run's container, or as the local
# port of a connection): then once more, on another.
lab() {
  local try
  for try in 1 2; do
    bounded 120 make -s -C "$ROOT" "$2" LAB_PROJECT="test-lab-$1-$TEST_RUN_ID" \
      LAB_PORT="$(free_port)" CATALOG_PASSWORD_FILE="$SECRET_3"
    [[ $RC != 0 && $OUT == *"bind: address already in use"* && $try == 1 ]] || return 0
    echo "port taken, once more: $(grep -m1 'address already in use' <<<"$OUT")"
  done
}
# lab_ok N TARGET: as `lab`, and the target succeeds.
lab_ok() { lab "$@"; expect_eq 0 "$RC" "exit status of make $2" || { echo "$OUT"; return 1; }; }
# in_lab N ARGS...: compose on lab N's project (whichever of its files started it).
in_lab() {
  local n=$1; shift
  docker compose -p "test-lab-$n-$TEST_RUN_ID" -f "$ROOT/challenges/$n/compose.yaml" "$@"
}
lab_logs() { docker logs "test-lab-$1-$TEST_RUN_ID-$2-1" 2>&1; }
lab_url() { echo "http://$(in_lab "$1" port "$2" 8080)"; }

# client_lines WORD: challenge 1's client lines with WORD (ok, FAIL), without their time.
client_lines() { lab_logs 1 client | sed -n "s/^[0-9:]* $1 */$1 /p"; }
has_client_line() { [ -n "$(client_lines "$1")" ]; }

test_1_wrong_hostname_the_client_cannot_resolve_it() {
  lab_ok 1 lab-1
  wait_for 20 "a FAIL line of the client" has_client_line FAIL
  expect_eq "FAIL cannot reach http://hello-server:8080/: wget: bad address 'hello-server:8080'" \
    "$(client_lines FAIL | head -1)" "the client's first FAIL line"
  expect_eq "" "$(client_lines ok)" "the client's ok lines"
}

test_1_solution_the_client_gets_answers() {
  lab_ok 1 lab-1-solution
  wait_for 20 "an ok line of the client" has_client_line ok
  server=$(docker inspect -f '{{.Config.Hostname}}' "test-lab-1-$TEST_RUN_ID-server-1")
  expect_eq "$server" "$(client_lines ok | tail -1 | sed 's/^ok //' | jq -r .hostname)" \
    "the hostname that answered the client"
  expect_eq "" "$(client_lines FAIL)" "the client's FAIL lines"
}

test_2_init_order_the_database_never_becomes_healthy() {
  lab_ok 2 lab-2
  expect_match "container test-lab-2-$TEST_RUN_ID-db-1 is unhealthy" "$OUT" "what up --wait said"
  expect_eq 'psql:/docker-entrypoint-initdb.d/1-notes-rows.sql:2: ERROR:  relation "notes" does not exist' \
    "$(lab_logs 2 db | grep -m1 ERROR)" "the init script's error"
  restarted_refusing() { lab_logs 2 db | grep -q '^error: an init script failed on the first start'; }
  wait_for 20 "the restarted database refusing its half-made data" restarted_refusing
  [ "$(docker inspect -f '{{.State.Health.Status}}' "test-lab-2-$TEST_RUN_ID-db-1")" != healthy ] \
    || fail "the lab's database became healthy"
}

test_2_solution_the_notes_are_seeded() {
  lab_ok 2 lab-2-solution
  expect_eq "first note,second note,third note" \
    "$(in_lab 2 exec -T db psql -U app -d catalog -XAt -c 'SELECT string_agg(title, $$,$$ ORDER BY id) FROM notes')" \
    "the notes"
}

# x_cache ID: the X-Cache header of a read of product ID.
x_cache() { curl -sSi "$(lab_url 3 catalog)/products/$1" | tr -d '\r' | sed -n 's/^x-cache: //Ip'; }

# postgres_checked: the catalog's /ready has checked PostgreSQL (just started, it has not).
postgres_checked() { [ "$(curl -sS "$(lab_url 3 catalog)/ready" | jq -r .checks.postgres)" = up ]; }

test_3_cache_elsewhere_every_read_bypasses_redis() {
  lab_ok 3 lab-3
  wait_for 20 "the catalog's check of PostgreSQL" postgres_checked
  http GET "$(lab_url 3 catalog)/ready"
  expect_eq 503 "$STATUS" "/ready"
  expect_eq "up|down: its name does not resolve" "$(json '.checks | "\(.postgres)|\(.redis)"')" \
    "postgres and redis checks"
  expect_eq "BYPASS BYPASS" "$(x_cache 1) $(x_cache 1)" "X-Cache of two reads"
}

test_3_solution_the_second_read_is_a_hit() {
  lab_ok 3 lab-3-solution
  wait_for 20 "the catalog's check of PostgreSQL" postgres_checked
  http GET "$(lab_url 3 catalog)/ready"
  expect_eq "200 up|up" "$STATUS $(json '.checks | "\(.postgres)|\(.redis)"')" "/ready"
  # make lab-3-solution read product 1 already.
  expect_eq "MISS HIT" "$(x_cache 2) $(x_cache 2)" "X-Cache of two reads"
}

health() { docker inspect -f "{{.State.Health.Status}}|{{(index .State.Health.Log 0).Output}}" \
  "test-lab-4-$TEST_RUN_ID-service-a-1"; }

test_4_healthcheck_curl_a_is_never_healthy() {
  lab_ok 4 lab-4
  expect_match "dependency failed to start: container test-lab-4-$TEST_RUN_ID-service-a-1 is unhealthy" \
    "$OUT" "what up --wait said"
  expect_eq 'unhealthy|OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown' \
    "$(health | tr -d '\n')" "A's health and its last check"
  expect_eq created "$(docker inspect -f '{{.State.Status}}' "test-lab-4-$TEST_RUN_ID-service-b-1")" \
    "B's state (never started)"
}

test_4_solution_b_answers() {
  lab_ok 4 lab-4-solution
  expect_eq "healthy|HTTP/1.1 200" "$(health | tr -d '\n')" "A's health and its last check"
  http GET "$(lab_url 4 service-b)/profiles/1"
  expect_eq "200 Ada Lovelace active since 2021-03-14" "$STATUS $(json .summary)" "B's answer"
}

networks_of() { docker inspect -f '{{range $net, $_ := .NetworkSettings.Networks}}{{$net}} {{end}}' \
  "test-lab-5-$TEST_RUN_ID-$1-1" | sed "s/test-lab-5-${TEST_RUN_ID}_//g; s/ $//"; }

test_5_wrong_network_users_are_502_while_every_container_is_healthy() {
  lab_ok 5 lab-5
  expect_match '"detail":"route /users: no replica of users-service is reachable \(the name does not resolve\)"' \
    "$OUT" "what make lab-5 showed"
  local c
  for c in gateway users-service products-service postgres redis; do
    expect_eq healthy "$(docker inspect -f '{{.State.Health.Status}}' "test-lab-5-$TEST_RUN_ID-$c-1")" \
      "health of $c"
  done
  expect_eq "users-data" "$(networks_of users-service)" "users-service's networks"
  http GET "$(lab_url 5 gateway)/users/1"
  expect_eq "502 /problems/no-replica" "$STATUS $(json .type)" "a user through the gateway"
  http GET "$(lab_url 5 gateway)/products/1"
  expect_eq "200 PEN-BLUE-01" "$STATUS $(json .sku)" "a product through the gateway"
}

test_5_solution_users_answer() {
  lab_ok 5 lab-5-solution
  expect_eq "back users-data" "$(networks_of users-service)" "users-service's networks"
  http GET "$(lab_url 5 gateway)/users/1"
  expect_eq "200 Ada Lovelace" "$STATUS $(json .name)" "a user through the gateway"
}
