# Challenge 2: PostgreSQL with its data in a named volume, seeded once by the scripts in
# sql/catalog/, its password in a generated secret file, published on 127.0.0.1 only.

project db 2
unset DB_BIND   # the compose file's default (127.0.0.1) is what the tests check
SECRET=$ROOT/challenges/2/secrets/db-password
SEEDED="5 12 4 7"   # users, products, orders, order_items (sql/catalog/02-seed.sql)

setup() {
  make -s -C "$ROOT" challenges/2/secrets/db-password   # the rule run-2 depends on
  remember PORT "$(free_port)"
  DB_PORT=$PORT compose up -d --wait
}

teardown() {
  compose down -v --remove-orphans
  # The projects that single tests start, should a test have stopped before its own cleanup.
  for p in slow broken; do
    COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME-$p compose down -v --remove-orphans
  done
}

# psql_client ARGS...: this machine's psql, or the image's psql on the host's network (so it
# still connects to 127.0.0.1 through the published port) where no psql is installed.
psql_client() {
  if command -v psql >/dev/null; then psql "$@"; else
    docker run --rm --network host -e PGPASSWORD -e PGCONNECT_TIMEOUT postgres:17 psql "$@"
  fi
}

# sql QUERY [PASSWORD] [PORT]: runs QUERY as user app over 127.0.0.1; prints bare values.
sql() {
  PGPASSWORD=${2:-$(cat "$SECRET")} PGCONNECT_TIMEOUT=5 psql_client -h 127.0.0.1 \
    -p "${3:-$PORT}" -U app -d catalog -X -A -t -v ON_ERROR_STOP=1 -c "$1"
}

# counts [PORT]: the rows of users, products, orders and order_items, on one line.
counts() {
  sql "SELECT concat_ws(' ', (SELECT count(*) FROM users), (SELECT count(*) FROM products),
         (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items))" "" "${1:-$PORT}"
}

health() { docker inspect -f '{{.State.Health.Status}}' "$(container db)"; }
is_healthy() { [ "$(health)" = healthy ]; }
was_checked() { [ "$(docker inspect -f '{{len .State.Health.Log}}' "$(container db)")" != 0 ]; }
# log_has TEXT: the db container's log holds TEXT. (Not `logs | grep -q`: grep stops at the
# first match, and with pipefail the writer's broken pipe would fail the whole pipeline.)
log_has() { [[ $(logs db) == *"$1"* ]]; }

# with_init_dir NAME SQL: a temporary project NAME whose init folder is sql/catalog/ plus 03-NAME.sql
# holding SQL (sql/catalog/ itself is never touched); sets COMPOSE_PROJECT_NAME, OVERRIDE and DIR.
with_init_dir() {
  DIR=$(mktemp -d)
  cp "$ROOT"/sql/catalog/*.sql "$DIR/"
  printf '%s\n' "$2" >"$DIR/03-$1.sql"
  chmod 755 "$DIR" && chmod 644 "$DIR"/*.sql   # the scripts run as the postgres user
  OVERRIDE=$DIR/override.yaml
  printf 'services:\n  db:\n    volumes:\n      - %s:/docker-entrypoint-initdb.d:ro\n' \
    "$DIR" >"$OVERRIDE"
  COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME-$1
  trap 'compose down -v --remove-orphans >/dev/null 2>&1; rm -rf "$DIR"' EXIT
}

test_secret_file_is_generated_private_and_ignored() {
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  file=$dir/secrets/db-password
  make -s -C "$ROOT" DB_PASSWORD_FILE="$file" "$file" >/dev/null
  expect_eq 600 "$(stat -c %a "$file")" "mode of the password file"
  expect_eq 700 "$(stat -c %a "$dir/secrets")" "mode of its folder"
  expect_match '^[A-Za-z0-9_-]{32}$' "$(cat "$file")" "password"
  expect_eq 32 "$(wc -c <"$file")" "bytes (no trailing newline)"
  # Generated only when absent: a second run keeps the password the database was made with.
  before=$(cat "$file")
  make -s -C "$ROOT" DB_PASSWORD_FILE="$file" "$file" >/dev/null
  expect_eq "$before" "$(cat "$file")" "password after a second make"
  git -C "$ROOT" check-ignore -q challenges/2/secrets/db-password \
    || fail "challenges/2/secrets/db-password is not ignored by git"
  expect_eq "" "$(git -C "$ROOT" ls-files challenges/2/secrets)" "tracked secret files"
}

test_psql_over_loopback_sees_every_seeded_row() {
  expect_eq "$SEEDED" "$(counts)" "rows in users, products, orders, order_items"
  expect_eq "app catalog" "$(sql "SELECT current_user || ' ' || current_database()")"
}

test_wrong_password_is_rejected() {
  set +e
  out=$(sql "SELECT 1" "not-the-password" 2>&1); rc=$?
  set -e
  expect_eq 2 "$rc" "psql exit status"
  expect_match 'password authentication failed for user "app"' "$out" "psql error"
}

test_port_is_published_on_loopback_only() {
  expect_eq "127.0.0.1:$PORT" "$(docker port "$(container db)" 5432/tcp)" "published address"
  expect_eq "127.0.0.1:$PORT" "$(docker inspect -f \
    '{{range (index .HostConfig.PortBindings "5432/tcp")}}{{.HostIp}}:{{.HostPort}} {{end}}' \
    "$(container db)" | xargs)" "port bindings"
}

test_server_runs_as_postgres_without_capabilities() {
  id=$(container db)
  expect_eq true "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$id")" "read-only root"
  status=$(docker exec "$id" cat /proc/1/status)
  expect_eq postgres "$(docker exec "$id" cat /proc/1/comm)" "PID 1"
  expect_eq "$(docker exec "$id" id -u postgres)" "$(awk '/^Uid:/ {print $2}' <<<"$status")" \
    "user of PID 1 (the postgres user)"
  expect_eq 0000000000000000 "$(awk '/^CapEff:/ {print $2}' <<<"$status")" "capabilities of PID 1"
}

test_healthy_only_once_the_init_scripts_have_finished() {
  with_init_dir slow "SELECT pg_sleep(6); CREATE TABLE init_finished ();"
  port=$(free_port)
  DB_PORT=$port compose -f "$OVERRIDE" up -d
  wait_for 120 "the slow init script to start" \
    log_has 'running /docker-entrypoint-initdb.d/03-slow.sql'
  # The temporary server is up, on its Unix socket only: the healthcheck fails, TCP is refused.
  wait_for 10 "a healthcheck during init" was_checked
  expect_eq starting "$(health)" "health while the init scripts run"
  ! sql "SELECT 1" "" "$port" 2>/dev/null || fail "TCP connection accepted during init"
  ! log_has 'init process complete' || fail "init ended too soon for this test"
  wait_for 120 "healthy" is_healthy
  expect_eq 1 "$(sql "SELECT count(*) FROM pg_tables WHERE tablename = 'init_finished'" "" \
    "$port")" "the last script's table, once healthy"
}

test_data_survives_down_and_up() {
  sql "INSERT INTO users (email, name) VALUES ('kept@example.com', 'Kept Across Restarts')" >/dev/null
  compose down
  docker volume inspect "${COMPOSE_PROJECT_NAME}_db-data" >/dev/null || fail "the volume is gone"
  DB_PORT=$PORT compose up -d --wait
  expect_eq 1 "$(sql "SELECT count(*) FROM users WHERE email = 'kept@example.com'")" "kept row"
  expect_eq "6 12 4 7" "$(counts)" "rows (seeds not run twice)"
  ! log_has 'running /docker-entrypoint-initdb.d' || fail "init scripts ran again"
}

test_reset_runs_the_init_scripts_again() {
  expect_match '^test-db-' "$COMPOSE_PROJECT_NAME" "project"   # never the real challenge-2
  out=$(COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME make -s -C "$ROOT" reset-2 2>&1)
  expect_match 'the data volume is gone' "$out" "what reset-2 says"
  ! docker volume inspect "${COMPOSE_PROJECT_NAME}_db-data" >/dev/null 2>&1 \
    || fail "the volume is still there"
  DB_PORT=$PORT compose up -d --wait
  log_has 'running /docker-entrypoint-initdb.d/02-seed.sql' || fail "no init run"
  expect_eq 0 "$(sql "SELECT count(*) FROM users WHERE email = 'kept@example.com'")" "kept row"
  expect_eq "$SEEDED" "$(counts)" "rows after reset"
}

test_broken_init_script_fails_start_up_visibly() {
  with_init_dir broken "INSERT INTO no_such_table VALUES (1);"
  set +e
  out=$(DB_PORT=$(free_port) timeout 180 \
        docker compose -f "$COMPOSE_FILE_PATH" -f "$OVERRIDE" -p "$COMPOSE_PROJECT_NAME" \
        up -d --wait 2>&1); rc=$?
  set -e
  [ "$rc" != 0 ] || fail "up --wait succeeded: $out"
  expect_eq 1 "$rc" "exit status of up --wait"
  expect_match 'relation "no_such_table" does not exist' "$(logs db)" "the SQL error in the log"
  # The restart policy starts it again: that start must refuse, not serve a half-made database.
  wait_for 60 "the restarted container to refuse" log_has 'failed on the first start'
  [ "$(health)" != healthy ] || fail "a half-initialised database is reported healthy"
}
