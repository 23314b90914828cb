#!/usr/bin/env bash
# Challenge 5's bench: what the gateway costs, next to nginx doing the same job, and what its rate
# limiter and HTTPS cost. Starts its own compose project (one replica of each service,
# tests/5/bench-routes.conf), nginx 1.26 with tests/5/nginx.conf, the JDK floor (the least proxy on
# the gateway's two JDK HTTP stacks, tests/5/JdkFloorProxy.java) and a second gateway that speaks
# only HTTPS (a keystore made by challenge 5's make rule) on the same internal network, then loads
# GET /products/1 with wrk from inside that network six ways: products-service directly, through
# nginx, through the JDK floor, through the gateway, through its rate limiter, and through the
# HTTPS gateway; and a seventh, writes through the gateway: each product is created, read back and
# deleted (tests/5/write.lua), so PostgreSQL commits two requests in three. First, the gateway's
# first minute: req/s per 2 s window from its start, and when it first reached 90% of the minute's
# last 20 s. Then they take turns for ROUNDS rounds (the median is kept), so a busy machine weighs
# on all alike. Bounded: a warm-up through each gateway and the JDK floor until its JIT compiler is
# done (at most WARMUP_MAX, 180 s, each) and 5 s for the others, then ROUNDS x DURATION per target
# (about 7 minutes in all with the part below, at most about 15); everything it started is removed
# at the end. Last, tests/5/bench-published.sh: the stack make run-5 starts, through its published
# port.
# Usage: tests/5/bench.sh   (needs the gateway, users-service, products-service, wrk images)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=$PWD/tests
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/bench/wrk.sh
source tests/bench/wrk.sh
project bench 5

DURATION=${DURATION:-5s}
WARMUP_MAX=${WARMUP_MAX:-180}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
WRK_IMAGE=$IMAGE_PREFIX/wrk:$VERSION
NGINX_NAME=$COMPOSE_PROJECT_NAME-nginx
FLOOR_NAME=$COMPOSE_PROJECT_NAME-jdk-floor
TLS_NAME=$COMPOSE_PROJECT_NAME-gateway-tls
WRK_NAME=$COMPOSE_PROJECT_NAME-wrk
NETWORK=${COMPOSE_PROJECT_NAME}_back

cleanup() {
  docker rm -f "$WRK_NAME" "$NGINX_NAME" "$FLOOR_NAME" "$TLS_NAME" >/dev/null 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT

# wrk ARGS...: wrk in a container on this project's back network, where all of them listen.
# Docker's DNS can time out while the machine is saturated (wrk then says "unable to resolve"):
# such a run is tried again, up to three times.
wrk() {
  local out attempt
  for attempt in 1 2 3; do
    out=$(timeout 120 docker run --rm --name "$WRK_NAME" --network "$NETWORK" \
      -v "$PWD/tests/5/write.lua:/bench/write.lua:ro" \
      "$WRK_IMAGE" -t2 -c"$CONNECTIONS" "$@" 2>&1) && break
    grep -q 'unable to resolve' <<<"$out" || { echo "$out" >&2; return 1; }
    echo "wrk: a name did not resolve (attempt $attempt), trying again" >&2
    sleep 1
  done
  echo "$out"
}

# measure URL PROXY [WRK_ARGS...]: prints "REQ_PER_S P50_MS P99_MS ERRORS PROXY_US UPSTREAM_US"
# for DURATION of load on URL; the last two are the CPU time per request of PROXY and of
# products-service.
measure() {
  local proxy=$2 upstream; upstream=$(container products-service)
  local p0 u0; p0=$(cpu_ns "$proxy") u0=$(cpu_ns "$upstream")
  local out; out=$(wrk -d"$DURATION" --latency "${@:3}" "$1")
  local p1 u1; p1=$(cpu_ns "$proxy") u1=$(cpu_ns "$upstream")
  local requests; requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  echo "$(wrk_summary "$out") $(( (p1 - p0) / requests / 1000 ))" \
    "$(( (u1 - u0) / requests / 1000 ))"
}

# compiler_ms CONTAINER: CPU time the JVM's C2 compiler threads in CONTAINER have used, in ms;
# empty when /proc does not show the container's threads (Docker in a VM).
compiler_ms() {
  local pid tick t; pid=$(docker inspect -f '{{.State.Pid}}' "$1") tick=$(getconf CLK_TCK)
  [ -r "/proc/$pid/task" ] || return 0
  for t in /proc/"$pid"/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = "C2 CompilerThre" ]; then
      awk '{ print $14 + $15 }' "$t/stat"
    fi
  done | awk -v tick="$tick" '{ s += $1 } END { print int(s * 1000 / tick) }'
}

# median FIELD FILE: the median of column FIELD over the rounds in FILE.
median() {
  awk -v f="$1" '{ print $f }' "$2" | sort -g \
    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

results=$(mktemp -d); trap 'rm -rf "$results"; cleanup' EXIT
make -s secrets-5 >/dev/null   # the database passwords, as make run-5 makes them
GATEWAY_PORT=$(free_port) GATEWAY_ROUTES=$PWD/tests/5/bench-routes.conf \
  compose up -d --wait >/dev/null 2>&1
# The same limits as the gateway's (compose.yaml): one CPU, 256 MB.
limits=(--cpus 1 --memory 256m --read-only)
docker run -d --name "$NGINX_NAME" --network "$NETWORK" --network-alias nginx "${limits[@]}" \
  --tmpfs /var/cache/nginx --tmpfs /var/lib/nginx --tmpfs /var/run \
  -v "$PWD/tests/5/nginx.conf:/etc/nginx/conf.d/default.conf:ro" nginx:1.26 >/dev/null
# The JDK floor: tests/5/JdkFloorProxy.java, run from source in the JDK image with the
# services' own JVM options, the kit's JDK settings (kit.JdkDefaults) and the gateway's limits.
docker run -d --name "$FLOOR_NAME" --network "$NETWORK" --network-alias jdk-floor \
  "${limits[@]}" --tmpfs /tmp -v "$PWD/tests/5/JdkFloorProxy.java:/bench/JdkFloorProxy.java:ro" \
  -v "$PWD/src/jvm/service.options:/bench/service.options:ro" eclipse-temurin:25-jdk \
  java @/bench/service.options -Dsun.net.httpserver.nodelay=true \
  -Djdk.httpclient.keepalive.timeout=20 /bench/JdkFloorProxy.java http://products-service:8080 \
  >/dev/null
floor_listening() { docker logs "$FLOOR_NAME" 2>&1 | grep -qx listening; }
wait_for 60 "the JDK floor proxy to listen" floor_listening \
  || { docker logs "$FLOOR_NAME" 2>&1 | tail -20; exit 1; }
keystore=$results/secrets/gateway.p12
make -s TLS_KEYSTORE_5="$keystore" TLS_CERT_5="$results/secrets/gateway.crt" \
  "$results/secrets/gateway.crt" >/dev/null
docker run -d --name "$TLS_NAME" --network "$NETWORK" --network-alias gateway-tls \
  "${limits[@]}" --tmpfs /tmp -e ROUTES_FILE=/etc/gateway/routes.conf \
  -v "$PWD/tests/5/bench-routes.conf:/etc/gateway/routes.conf:ro" \
  -e TLS_KEYSTORE=/run/secrets/keystore -e TLS_KEYSTORE_PASSWORD_FILE=/run/secrets/password \
  -e PLAIN_HTTP=off -v "$keystore:/run/secrets/keystore:ro" \
  -v "$keystore.password:/run/secrets/password:ro" "$IMAGE_PREFIX/gateway:$VERSION" >/dev/null
tls_healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$TLS_NAME")" = healthy ]; }
wait_for 60 "the HTTPS gateway to be healthy" tls_healthy

declare -A url=(
  [direct]=http://products-service:8080/products/1
  [nginx]=http://nginx:8080/products/1
  [floor]=http://jdk-floor:8080/products/1
  [gateway]=http://gateway:8080/products/1
  [limiter]=http://gateway:8080/limited/1
  [https]=https://gateway-tls:8443/products/1
  [write]=http://gateway:8080/products
)
declare -A proxy=([direct]=$(container products-service) [nginx]=$NGINX_NAME
  [floor]=$FLOOR_NAME
  [gateway]=$(container gateway) [limiter]=$(container gateway) [https]=$TLS_NAME
  [write]=$(container gateway))
# What wrk runs besides a GET of the URL: the write target's script.
declare -A script=([write]=/bench/write.lua)
targets=(direct nginx floor gateway limiter https write)
# Whose memory is reported: both gateways and the service behind them (the direct target).
declare -A rss_name=([gateway]=gateway [https]="gateway over HTTPS" [direct]=products-service)
declare -A idle_rss
for k in "${!rss_name[@]}"; do idle_rss[$k]=$(rss_mb "${proxy[$k]}"); done

# warm_up TARGET: the JIT compiles the hot paths of a gateway and products-service. In a
# container of one CPU its C2 compiler competes with the requests for a minute or more, and a
# short warm-up measures the compiler rather than the gateway. So: load TARGET in 10 s slices
# until the gateway's C2 threads used under 5% of a slice (or WARMUP_MAX has passed); prints
# what it did.
warm_up() {
  local start=$SECONDS before after
  while :; do
    before=$(compiler_ms "${proxy[$1]}")
    wrk -d10s "${url[$1]}" >/dev/null
    after=$(compiler_ms "${proxy[$1]}")
    [ -n "$before" ] && [ $(( after - before )) -ge 500 ] || break
    [ $(( SECONDS - start )) -lt "$WARMUP_MAX" ] || break
  done
  if [ -n "$before" ]; then
    echo "$1: warm-up $(( SECONDS - start )) s, its compiler then used $(( after - before )) ms"
  else echo "$1: warm-up $(( SECONDS - start )) s"; fi
}
# curve TARGET: TARGET's req/s in each 2 s window of its first minute of load, from the start of
# a container that has served nothing yet (wrk -t2 -cCONNECTIONS, one run per window, in one
# container), space-separated.
curve() {
  timeout 150 docker run --rm --init --name "$WRK_NAME" --network "$NETWORK" -e URL="${url[$1]}" \
    -e CONNECTIONS="$CONNECTIONS" --entrypoint sh "$WRK_IMAGE" -c '
      for i in $(seq 30); do wrk -t2 -c"$CONNECTIONS" -d2s "$URL"; done' \
    | awk '/^Requests\/sec:/ { printf "%s%.0f", (n++ ? " " : ""), $2 } END { print "" }'
}
# first_at CURVE STEADY: the seconds of load after which a window first reached 90% of STEADY.
first_at() {
  awk -v steady="$2" '{ for (i = 1; i <= NF; i++) if ($i >= 0.9 * steady) { print i * 2; exit } }
    END { if (NR == 0 || i > NF) print "never" }' <<<"$1"
}
started_curve=$(curve gateway)
warmed="$(warm_up gateway); $(warm_up https); $(warm_up floor)"
for t in direct nginx limiter write; do
  wrk -d5s ${script[$t]:+-s "${script[$t]}"} "${url[$t]}" >/dev/null
done
for _ in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do
    measure "${url[$t]}" "${proxy[$t]}" ${script[$t]:+-s "${script[$t]}"} >>"$results/$t"
  done
done

printf 'challenge 5: wrk -t2 -c%s -d%s, %s rounds (median), from the back network,' \
  "$CONNECTIONS" "$DURATION" "$ROUNDS"
printf ' GET /products/1 (write: POST, GET, DELETE of a product), one replica\n%s\n' "$warmed"
printf '%-28s %7s %8s %8s %6s %10s %10s\n' target "req/s" "p50 ms" "p99 ms" errors \
  "proxy cpu" "upstream"
printf '%-28s %7s %8s %8s %6s %10s %10s\n' "" "" "" "" "" "us/req" "cpu us/req"
declare -A rps p50 p99
for t in "${targets[@]}"; do
  rps[$t]=$(median 1 "$results/$t") p50[$t]=$(median 2 "$results/$t")
  p99[$t]=$(median 3 "$results/$t")
  errors=$(awk '{ s += $4 } END { print s + 0 }' "$results/$t")
  label=$(case $t in direct) echo "products-service (direct)";; nginx) echo "nginx 1.26 (proxy)";;
    floor) echo "JDK floor (least proxy)";;
    gateway) echo "gateway";; limiter) echo "gateway, rate limiter";;
    https) echo "gateway over HTTPS";; write) echo "gateway, create/read/delete";; esac)
  proxy_us=$(median 5 "$results/$t") upstream_us=$(median 6 "$results/$t")
  [ "$t" = direct ] && proxy_us=-
  printf '%-28s %7s %8s %8s %6s %10s %10s\n' "$label" "${rps[$t]}" "${p50[$t]}" "${p99[$t]}" \
    "$errors" "$proxy_us" "$upstream_us"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# ratios A B LABEL: the row of A's figures over B's.
ratios() {
  printf '%-28s %6sx %7sx %7sx\n' "$3" "$(ratio "${rps[$1]}" "${rps[$2]}")" \
    "$(ratio "${p50[$1]}" "${p50[$2]}")" "$(ratio "${p99[$1]}" "${p99[$2]}")"
}
echo "gateway's first minute (req/s per 2 s window, from its start): $started_curve"
# Its warm req/s: the larger of the warm rounds' median and the median of the minute's last
# 20 s (a gateway still warming at the end of the minute would flatter itself with the second).
curve_warm=$(tr ' ' '\n' <<<"$started_curve" | tail -10 | sort -g | awk '{ v[NR] = $1 }
  END { print v[int((NR + 1) / 2)] }')
warm=$(( curve_warm > rps[gateway] ? curve_warm : rps[gateway] ))
warm_in=$(first_at "$started_curve" "$warm")
echo "90% of the gateway's warm req/s ($warm) first reached after: $warm_in s of load" \
  "(target: 10 s)"
record challenge-5 gateway "seconds of load to 90% of warm req/s (target <= 10)" "$warm_in" s
ratios gateway nginx "gateway / nginx"
ratios limiter gateway "rate limiter / gateway"
ratios https gateway "HTTPS / HTTP (gateway)"
# cpu_ratio A B: A's proxy CPU per request over B's (medians of the rounds).
cpu_ratio() { ratio "$(median 5 "$results/$1")" "$(median 5 "$results/$2")"; }
echo "proxy CPU per request: gateway / nginx $(cpu_ratio gateway nginx)x," \
  "JDK floor / nginx $(cpu_ratio floor nginx)x, gateway / JDK floor $(cpu_ratio gateway floor)x"
rps_ratio=$(ratio "${rps[gateway]}" "${rps[nginx]}")
p99_ratio=$(ratio "${p99[gateway]}" "${p99[nginx]}")
cpu_ratio=$(cpu_ratio gateway nginx)
# verdict VALUE OP LIMIT: "met" or "missed".
verdict() { awk -v v="$1" -v l="$3" -v op="$2" \
  'BEGIN { ok = (op == ">=") ? v >= l : v <= l; print ok ? "met" : "missed" }'; }
echo "targets, gateway / nginx: req/s >= 1.0x ($rps_ratio, $(verdict "$rps_ratio" '>=' 1.0))," \
  "p99 <= 1.0x ($p99_ratio, $(verdict "$p99_ratio" '<=' 1.0)), proxy CPU per request <= 1.3x" \
  "($cpu_ratio, $(verdict "$cpu_ratio" '<=' 1.3))"
echo "memory (RSS of PID 1, MB): idle after start, then after all the load above" \
  "(targets: idle <= 40, after the load <= 80, <= 96 over HTTPS)"
for k in gateway https direct; do
  loaded=$(rss_mb "${proxy[$k]}")
  printf '  %-26s %8s %8s\n' "${rss_name[$k]}" "${idle_rss[$k]}" "$loaded"
  record challenge-5 "${rss_name[$k]}" "RSS idle after start" "${idle_rss[$k]}" MB
  record challenge-5 "${rss_name[$k]}" "RSS after the load" "$loaded" MB
done
for t in "${targets[@]}"; do
  record challenge-5 "$t" "requests per second" "${rps[$t]}" req/s
  record challenge-5 "$t" "latency p50" "${p50[$t]}" ms
  record challenge-5 "$t" "latency p99" "${p99[$t]}" ms
done
record challenge-5 "gateway/nginx" "req/s ratio (target >= 1.0)" "$rps_ratio" x
record challenge-5 "gateway/nginx" "p99 ratio (target <= 1.0)" "$p99_ratio" x
record challenge-5 "gateway/nginx" "proxy CPU per request ratio (target <= 1.3)" "$cpu_ratio" x
record challenge-5 "JDK floor/nginx" "proxy CPU per request ratio" "$(cpu_ratio floor nginx)" x
record challenge-5 "HTTPS/HTTP" "req/s ratio (gateway)" \
  "$(ratio "${rps[https]}" "${rps[gateway]}")" x
record challenge-5 "limiter/none" "req/s ratio (gateway)" \
  "$(ratio "${rps[limiter]}" "${rps[gateway]}")" x

# Then the whole stack as a user meets it, through its published port, on a machine with
# nothing else of this bench left running.
cleanup
tests/5/bench-published.sh
