# The build, from a fresh clone of this repository with nothing but Docker: every image built
# by `docker compose build` in each challenge's folder with no JDK and no Maven on PATH, then
# each challenge started with `docker compose up -d --wait` from its folder and asked for its
# first answer. Also: the build refuses a jar that differs from src/jars.lock, `make build`
# needs only Docker, make and bash and does no work the second time, and no build file names
# a CPU architecture, and the kit's suite runs without a JDK here. The clone holds what is committed; its images have a prefix of their
# own (never desafios/*), removed at the end.

# The images the compose files build, by challenge.
BUILT_1="server client" BUILT_3=catalog BUILT_4="service-a service-b"
BUILT_5="gateway users-service products-service"

setup() {
  remember TMP "$(mktemp -d)"
  remember CLONE "$TMP/clone"
  remember PREFIX "testbuild$$"
  command -v git >/dev/null || fail "this suite needs git, to clone the repository"
  git clone -q "$ROOT" "$CLONE"
  # Docker alone on PATH for compose (its plugin is found without PATH); for make, also the
  # tools its recipes and the tests use. No java, javac, jlink or mvn in either.
  mkdir "$TMP/docker-only" "$TMP/tools"
  ln -s "$(command -v docker)" "$TMP/docker-only/docker"
  local tool
  for tool in docker make bash sh env cat mkdir rm mv cp touch test printf echo head tr cut \
              sort id dirname basename mktemp expand tee cmp wc sed grep find sleep date \
              tail awk curl jq timeout seq xargs; do
    ln -s "$(command -v "$tool")" "$TMP/tools/$tool"
  done
}

teardown() {
  local n
  for n in 1 2 3 4 5; do
    [ -d "$CLONE/challenges/$n" ] || continue
    (cd "$CLONE/challenges/$n" && with docker-only docker compose -p "test-build-$n-$$" \
      down -v --remove-orphans -t 1) || true
  done
  docker images --format '{{.Repository}}:{{.Tag}}' | grep "^$PREFIX/" | xargs -r docker rmi -f
  rm -rf "$TMP"
}

# with BIN COMMAND...: runs COMMAND with an environment of PATH=$TMP/BIN, HOME and the
# image prefix only (and DOCKER_HOST, when this machine reaches Docker through it).
with() {
  local bin=$1; shift
  env -i PATH="$TMP/$bin" HOME="$HOME" IMAGE_PREFIX="$PREFIX" \
    ${DOCKER_HOST:+DOCKER_HOST="$DOCKER_HOST"} "$@"
}

# in_challenge N COMMAND...: COMMAND in the clone's challenges/N, with Docker alone on PATH,
# in this suite's compose project for N and with free ports for what N publishes.
in_challenge() {
  local n=$1; shift
  (cd "$CLONE/challenges/$n" && with docker-only \
    COMPOSE_PROJECT_NAME="test-build-$n-$$" SERVER_PORT="$PORT" DB_PORT="$PORT" \
    CATALOG_PORT="$PORT" B_PORT="$PORT" GATEWAY_PORT="$PORT" "$@")
}

# gz_mb IMAGE: the image's size compressed (docker save | gzip), in MB.
gz_mb() { docker save "$1" | gzip | wc -c | awk '{ printf "%.1f", $1 / 1e6 }'; }

test_no_jdk_or_maven_on_the_restricted_paths() {
  local bin
  for bin in docker-only tools; do
    expect_eq "" "$(env -i PATH="$TMP/$bin" /bin/sh -c \
      'command -v java javac jlink jar keytool mvn' || true)" "JDK or Maven tools on $bin's PATH"
  done
}

test_compose_builds_every_image_in_a_fresh_clone() {
  local n name image start
  start=$(now_ms)
  for n in 1 2 3 4 5; do
    PORT=1 in_challenge "$n" docker compose build >"$TMP/build-$n.log" 2>&1 \
      || { tail -30 "$TMP/build-$n.log"; fail "docker compose build failed in challenges/$n"; }
  done
  echo "report: docker compose build of challenges 1 to 5: $(( $(now_ms) - start )) ms"
  for name in $BUILT_1 $BUILT_3 $BUILT_4 $BUILT_5; do
    image=$PREFIX/$name:0.1.0
    docker image inspect "$image" >/dev/null || fail "no image $image after docker compose build"
    # The runtime is the building machine's: its CPU architecture, whatever that is.
    expect_eq "$(docker version -f '{{.Server.Arch}}')" \
      "$(docker image inspect -f '{{.Architecture}}' "$image")" "architecture of $image"
    mb=$(gz_mb "$image")
    echo "report: $image: $mb MB compressed"
    expect_le 32 "$mb" "MB compressed of $image"
  done
}

test_challenge_1_answers_from_its_folder() { up_and_answer 1; }
test_challenge_2_answers_from_its_folder() { up_and_answer 2; }
test_challenge_3_answers_from_its_folder() { up_and_answer 3; }
test_challenge_4_answers_from_its_folder() { up_and_answer 4; }
test_challenge_5_answers_from_its_folder() { up_and_answer 5; }

# A second build finds every step in Docker's cache: the same image, nothing run again.
test_a_second_compose_build_does_no_work() {
  local n name before=() after=()
  for name in $BUILT_1 $BUILT_3 $BUILT_4 $BUILT_5; do
    before+=("$name $(docker image inspect -f '{{.Id}}' "$PREFIX/$name:0.1.0")")
  done
  for n in 1 3 4 5; do PORT=1 in_challenge "$n" docker compose build >/dev/null 2>&1; done
  for name in $BUILT_1 $BUILT_3 $BUILT_4 $BUILT_5; do
    after+=("$name $(docker image inspect -f '{{.Id}}' "$PREFIX/$name:0.1.0")")
  done
  expect_eq "${before[*]}" "${after[*]}" "image ids after a second docker compose build"
}

# up_and_answer N: makes N's secrets the Compose way (docker compose run --rm secrets, where
# N has that service), starts N with `docker compose up -d --wait` in its folder, checks its
# first answer, and removes it.
up_and_answer() {
  local n=$1 url
  PORT=$(free_port); url=http://127.0.0.1:$PORT
  local services; services=$(in_challenge "$n" docker compose --profile setup config --services)
  if grep -qx secrets <<<"$services"; then
    in_challenge "$n" docker compose run --rm secrets
  fi
  trap 'in_challenge '"$n"' docker compose down -v --remove-orphans -t 1 >/dev/null 2>&1' EXIT
  in_challenge "$n" docker compose up -d --wait \
    || { in_challenge "$n" docker compose logs --tail 20; fail "challenge $n did not start"; }
  case $n in
    1) http GET "$url/"
       expect_eq 200 "$STATUS"; expect_eq "hello from the server container" "$(json .message)" ;;
    2) expect_match '^[1-9][0-9]*$' "$(in_challenge 2 docker compose exec -T db \
         psql -U app -d catalog -tAc 'SELECT count(*) FROM products')" "products in the database" ;;
    3) wait_for 30 "the catalog reading PostgreSQL" curl -sf "$url/products/1"
       http GET "$url/products/1"
       expect_eq 200 "$STATUS"; expect_eq 1 "$(json .data.id)" ;;
    4) wait_for 30 "service B reaching service A" curl -sf "$url/profiles/1"
       http GET "$url/profiles/1"
       expect_eq 200 "$STATUS"; expect_eq 1 "$(json .id)" ;;
    5) wait_for 30 "the gateway reaching users-service" curl -sf "$url/users/1"
       http GET "$url/users/1"
       expect_eq 200 "$STATUS"; expect_eq 1 "$(json .id)" ;;
  esac
}

test_a_jar_that_differs_from_the_lock_fails_the_build_naming_it() {
  trap 'git -C "$CLONE" checkout -q -- src/vendor' EXIT
  printf 'x' >>"$CLONE/src/vendor/jedis.jar"
  PORT=1 in_challenge 3 docker compose build catalog >"$TMP/tampered.log" 2>&1 \
    && fail "the build accepted a jedis.jar that differs from src/jars.lock"
  grep -q 'error: jedis.jar (redis.clients:jedis:[0-9.]*) has SHA-256 [0-9a-f]*, but jars.lock pins' \
    "$TMP/tampered.log" || { tail -20 "$TMP/tampered.log"; fail "no error naming jedis.jar"; }
  # ... and the check is the step that stopped it (a later step may fail on the jar as well).
  grep -qE '(failed|did not complete|non-zero).*check-jars jars.lock vendor' "$TMP/tampered.log" \
    || { tail -20 "$TMP/tampered.log"; fail "the build did not stop at check-jars"; }
}

test_make_build_needs_only_docker_make_and_bash_and_no_second_time() {
  (cd "$CLONE" && with tools make -s build) >"$TMP/make.log" 2>&1 \
    || { tail -30 "$TMP/make.log"; fail "make build failed with only Docker, make and bash"; }
  # A real second run, not make -n: whether each image is still there is asked of Docker by a
  # recipe (NAME.present), which -n would not run, so it would show every image as to build.
  (cd "$CLONE" && with tools make build) >"$TMP/again.log" 2>&1 \
    || { tail -30 "$TMP/again.log"; fail "a second make build failed"; }
  expect_eq "" "$(grep 'docker build' "$TMP/again.log" || true)" \
    "what a second make build built"
}

test_no_build_file_names_a_cpu_architecture() {
  local files found
  files=$(git -C "$ROOT" ls-files 'Dockerfile.base' '*/Dockerfile' '.dockerignore' 'Makefile' \
    '*.mk' 'src/build/*' 'challenges/*/compose*.yaml' 'challenges/*/swarm/*.yaml')
  # file:line:text, except lines whose text is a comment (which says why it names one).
  found=$(cd "$ROOT" && grep -niE 'x86[-_]64|amd64|aarch64|arm64' $files \
    | grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' || true)
  expect_eq "" "$found" "lines naming a CPU architecture outside a comment"
}

# The kit's suite with no JDK on PATH (KIT_JDK=image: this machine has one in /usr/lib/jvm,
# where src/build/find-jdk would look): compiled and run in the JDK image.
test_kit_suite_runs_without_a_jdk_here() {
  (cd "$CLONE" && with tools KIT_JDK=image make -s test-kit) >"$TMP/kit.log" 2>&1 \
    || { tail -30 "$TMP/kit.log"; fail "make test-kit failed without a JDK"; }
  expect_match '^[0-9]+ passed, 0 failed$' "$(tail -1 "$TMP/kit.log")" "the kit suite's summary"
  echo "report: $(tail -1 "$TMP/kit.log")"
}
