# `make audit`: every challenge passes the container checklist; each check catches a service
# that breaks it, and only it; an exception a compose file states is shown, with its reason,
# and is no violation.

# The checks, in the order of the table's columns.
CHECKS="non-root read-only cap-drop no-new-priv memory cpus pids restart healthcheck"
CHECKS+=" loopback-ports no-secret-env"

# audit [FILE...]: runs the audit (on every challenge, or on FILE); sets OUT and RC.
audit() { bounded 120 "$ROOT/src/audit/audit" "$@"; }
# verdicts ROW: the verdicts of the table's row ROW (DIR/SERVICE), without its name (the
# table comes first, then the exceptions, whose lines start with the same name).
verdicts() { awk -v s="$1" '$1 == s { $1 = ""; print substr($0, 2); exit }' <<<"$OUT"; }
# all_ok_but CHECK VERDICT: the verdicts of a row where only CHECK has VERDICT.
all_ok_but() {
  local check row=()
  for check in $CHECKS; do
    if [ "$check" = "$1" ]; then row+=("$2"); else row+=(ok); fi
  done
  echo "${row[*]}"
}

# fixture DIR SERVICES: writes DIR/compose.yaml: a service "clean" that passes every check,
# then SERVICES (YAML), each of which changes one thing of it.
fixture() {
  mkdir -p "$1"
  cat >"$1/compose.yaml" <<YAML
x-ok: &ok
  image: busybox:1.37
  user: "10001"
  read_only: true
  cap_drop: [ALL]
  security_opt: ["no-new-privileges:true"]
  restart: unless-stopped
  ports: ["127.0.0.1:18080:80"]
  healthcheck: {test: ["CMD", "true"]}
  deploy: {resources: {limits: {cpus: "0.5", memory: 32M, pids: 16}}}
services:
  clean:
    <<: *ok
$2
YAML
}

test_every_challenge_passes_the_checklist() {
  audit
  expect_eq 0 "$RC" "exit status" || { echo "$OUT"; return 1; }
  expect_match 'audit: every service passes every check' "$OUT"
  expect_eq "challenge/service $CHECKS" "$(head -1 <<<"$OUT" | xargs)" "the table's columns"
  # One row per service of every challenge: every check ok, or an exception the compose file
  # states with its reason.
  rows=0
  for n in $(ls "$ROOT/challenges"); do
    for s in $(docker compose -f "$ROOT/challenges/$n/compose.yaml" config --services); do
      row=$(verdicts "$n/$s")
      expect_match '^((ok|exc) ){10}(ok|exc)$' "$row" "the row of $n/$s"
      read -ra got <<<"$row"
      i=0
      for check in $CHECKS; do
        if [ "${got[i]}" = exc ]; then
          expect_match "^  $n/$s $check: .{20,}" "$(grep "^  $n/$s $check: " <<<"$OUT")" \
            "the reason for the exception of $n/$s to $check"
        fi
        i=$((i + 1))
      done
      rows=$((rows + 1))
    done
  done
  expect_eq 13 "$rows" "services of the five challenges"
}

# One service per check, each breaking that check and no other.
BREAKS='
  non-root: {<<: *ok, user: "0"}
  read-only: {<<: *ok, read_only: false}
  cap-drop: {<<: *ok, cap_drop: [NET_RAW]}
  no-new-priv: {<<: *ok, security_opt: []}
  memory: {<<: *ok, deploy: {resources: {limits: {cpus: "0.5", pids: 16}}}}
  cpus: {<<: *ok, deploy: {resources: {limits: {memory: 32M, pids: 16}}}}
  pids: {<<: *ok, deploy: {resources: {limits: {cpus: "0.5", memory: 32M}}}}
  restart: {<<: *ok, restart: "no"}
  healthcheck: {<<: *ok, healthcheck: {disable: true}}
  loopback-ports: {<<: *ok, ports: ["0.0.0.0:18081:80"]}
  no-secret-env: {<<: *ok, environment: {API_TOKEN: hunter2}}'

test_each_check_fails_the_service_that_breaks_it() {
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  fixture "$dir/bad" "$BREAKS"
  audit "$dir/bad/compose.yaml"
  expect_eq 1 "$RC" "exit status" || { echo "$OUT"; return 1; }
  expect_eq "$(all_ok_but none -)" "$(verdicts bad/clean)" "the row of the clean service"
  checked=0
  for check in $CHECKS; do
    expect_eq "$(all_ok_but "$check" FAIL)" "$(verdicts "bad/$check")" "the row of $check"
    checked=$((checked + 1))
  done
  expect_eq 11 "$checked" "checks with a failing fixture"
  expect_match 'audit: 11 violation\(s\)$' "$OUT"
  expect_eq "" "$(grep '^exceptions' <<<"$OUT")" "exceptions listed"
}

test_a_stated_exception_is_shown_with_its_reason_and_passes() {
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  fixture "$dir/excepted" '
  public:
    <<: *ok
    ports: ["0.0.0.0:18082:80"]
    labels: {audit.exception.loopback-ports: "a public demo port, firewalled"}
  needless:
    <<: *ok
    labels: {audit.exception.read-only: "not needed: the check passes"}'
  audit "$dir/excepted/compose.yaml"
  expect_eq 0 "$RC" "exit status" || { echo "$OUT"; return 1; }
  expect_eq "$(all_ok_but loopback-ports exc)" "$(verdicts excepted/public)" "the excepted row"
  # An exception for a check that passes changes nothing.
  expect_eq "$(all_ok_but none -)" "$(verdicts excepted/needless)" "a needless exception's row"
  expect_eq "exceptions (each with its reason, from the compose file):
  excepted/public loopback-ports: a public demo port, firewalled" \
    "$(sed -n '/^exceptions/,/^$/p' <<<"$OUT" | sed '/^$/d')" "the exceptions listed"
  expect_match 'audit: every service passes every check$' "$OUT"
  # Without its label the same service is a violation.
  sed -i '/audit.exception.loopback-ports/d' "$dir/excepted/compose.yaml"
  audit "$dir/excepted/compose.yaml"
  expect_eq "1 $(all_ok_but loopback-ports FAIL)" "$RC $(verdicts excepted/public)" \
    "exit status and row without the exception"
}
