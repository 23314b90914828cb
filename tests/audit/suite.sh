# `make audit`: every challenge passes the container checklist, and a violation is caught.

test_every_challenge_passes_the_checklist() {
  out=$("$ROOT/src/audit/audit") || { echo "$out"; fail "audit found violations"; }
  expect_match 'audit: every service passes every check' "$out"
  # One row per service of every challenge.
  for n in $(ls "$ROOT/challenges"); do
    for s in $(docker compose -f "$ROOT/challenges/$n/compose.yaml" config --services); do
      grep -q "^$n/$s " <<<"$out" || fail "no row for $n/$s"
    done
  done
}

test_a_violation_fails_the_audit_in_its_cell() {
  dir=$(mktemp -d)/bad; mkdir -p "$dir"
  cat >"$dir/compose.yaml" <<'YAML'
services:
  web:
    image: busybox:1.37
    user: "10001"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: unless-stopped
    ports: ["0.0.0.0:18080:80"]
    environment: {DB_PASSWORD: hunter2}
    healthcheck: {test: ["CMD", "true"]}
    deploy: {resources: {limits: {cpus: "0.5", memory: 32M, pids: 16}}}
YAML
  set +e; out=$("$ROOT/src/audit/audit" "$dir/compose.yaml"); rc=$?; set -e
  rm -rf "$(dirname "$dir")"
  expect_eq 1 "$rc" "exit status"
  row=$(grep '^bad/web ' <<<"$out")
  expect_eq "ok ok ok ok ok ok ok ok ok FAIL FAIL" "$(awk '{ $1 = ""; print substr($0, 2) }' <<<"$row")" "verdicts"
  expect_match 'audit: 2 violation' "$out"
}
