#!/usr/bin/env bash
# Challenge 5's bench: what the gateway costs, next to nginx doing the same job. Starts its own
# compose project (one replica of each service) and nginx 1.26 on the same internal network
# with tests/5/nginx.conf, then loads GET /products/1 with wrk from inside that network three
# ways: products-service directly, through nginx, and through the gateway. The three take
# turns for ROUNDS rounds (the median is kept), so a busy machine weighs on all three alike.
# Bounded: a warm-up through the gateway until its JIT compiler is done (at most WARMUP_MAX,
# 180 s) and 5 s for the others, then ROUNDS x DURATION per target (2 to 5 minutes in all);
# everything it started is removed at the end.
# Usage: tests/5/bench.sh   (needs the gateway, users-service, products-service, wrk images)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
export TESTS_DIR=$PWD/tests
# shellcheck source=tests/lib.sh
source tests/lib.sh
project bench 5

DURATION=${DURATION:-5s}
WARMUP_MAX=${WARMUP_MAX:-180}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
WRK_IMAGE=$IMAGE_PREFIX/wrk:$VERSION
NGINX_NAME=$COMPOSE_PROJECT_NAME-nginx
WRK_NAME=$COMPOSE_PROJECT_NAME-wrk
NETWORK=${COMPOSE_PROJECT_NAME}_back

cleanup() {
  docker rm -f "$WRK_NAME" "$NGINX_NAME" >/dev/null 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT

# wrk ARGS...: wrk in a container on this project's back network, where all three listen.
wrk() {
  timeout 120 docker run --rm --name "$WRK_NAME" --network "$NETWORK" \
    "$WRK_IMAGE" -t2 -c"$CONNECTIONS" "$@"
}

# ms VALUE: a wrk latency (850.00us, 1.20ms, 1.05s) in milliseconds.
ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# cpu_ns CONTAINER: CPU time the container has used, in ns (cgroup v1 or v2; 0 if unknown).
cpu_ns() {
  local id; id=$(docker inspect -f '{{.Id}}' "$1")
  if [ -r "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage" ]; then
    cat "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage"
  elif [ -r "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat" ]; then
    awk '$1 == "usage_usec" { print $2 * 1000 }' \
      "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat"
  else echo 0; fi
}

# measure URL PROXY: prints "REQ_PER_S P50_MS P99_MS ERRORS PROXY_US UPSTREAM_US" for DURATION
# of load on URL; the last two are the CPU time per request of PROXY and of products-service.
measure() {
  local proxy=$2 upstream; upstream=$(container products-service)
  local p0 u0; p0=$(cpu_ns "$proxy") u0=$(cpu_ns "$upstream")
  local out; out=$(wrk -d"$DURATION" --latency "$1")
  local p1 u1; p1=$(cpu_ns "$proxy") u1=$(cpu_ns "$upstream")
  local rps p50 p99 errors requests
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  p50=$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx|Socket errors/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i }
                END { print s + 0 }' <<<"$out")
  echo "$rps $p50 $p99 $errors $(( (p1 - p0) / requests / 1000 ))" \
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
  awk -v f="$1" '{ print $f }' "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

GATEWAY_PORT=$(free_port) compose up -d --wait >/dev/null 2>&1
# The same limits as the gateway's (compose.yaml): one CPU, 256 MB.
docker run -d --name "$NGINX_NAME" --network "$NETWORK" --network-alias nginx \
  --cpus 1 --memory 256m --read-only --tmpfs /var/cache/nginx --tmpfs /var/lib/nginx \
  --tmpfs /var/run \
  -v "$PWD/tests/5/nginx.conf:/etc/nginx/conf.d/default.conf:ro" nginx:1.26 >/dev/null

declare -A url=(
  [direct]=http://products-service:8080/products/1
  [nginx]=http://nginx:8080/products/1
  [gateway]=http://gateway:8080/products/1
)
declare -A proxy=([direct]=$(container products-service) [nginx]=$NGINX_NAME
  [gateway]=$(container gateway))
targets=(direct nginx gateway)
results=$(mktemp -d); trap 'rm -rf "$results"; cleanup' EXIT

# Warm-up: the JIT compiles the hot paths of the gateway and products-service. In a container
# of one CPU its C2 compiler competes with the requests for a minute or more, and a short
# warm-up measures the compiler rather than the gateway. So: load the gateway in 10 s slices
# until its C2 threads used under 5% of a slice (or WARMUP_MAX has passed).
warm_start=$SECONDS
while :; do
  before=$(compiler_ms "${proxy[gateway]}")
  wrk -d10s "${url[gateway]}" >/dev/null
  after=$(compiler_ms "${proxy[gateway]}")
  [ -n "$before" ] && [ $(( after - before )) -ge 500 ] || break
  [ $(( SECONDS - warm_start )) -lt "$WARMUP_MAX" ] || break
done
warmed="warm-up $(( SECONDS - warm_start )) s, the gateway's compiler then used $(( after - before )) ms"
[ -n "$before" ] || warmed="warm-up $(( SECONDS - warm_start )) s"
for t in direct nginx; do wrk -d5s "${url[$t]}" >/dev/null; done
for _ in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do measure "${url[$t]}" "${proxy[$t]}" >>"$results/$t"; done
done

printf 'challenge 5: wrk -t2 -c%s -d%s, %s rounds (median), from the back network,' \
  "$CONNECTIONS" "$DURATION" "$ROUNDS"
printf ' GET /products/1, one replica\n%s\n' "$warmed"
printf '%-28s %7s %8s %8s %6s %10s %10s\n' target "req/s" "p50 ms" "p99 ms" errors \
  "proxy cpu" "upstream"
printf '%-28s %7s %8s %8s %6s %10s %10s\n' "" "" "" "" "" "us/req" "cpu us/req"
declare -A rps p50 p99
for t in "${targets[@]}"; do
  rps[$t]=$(median 1 "$results/$t") p50[$t]=$(median 2 "$results/$t")
  p99[$t]=$(median 3 "$results/$t")
  errors=$(awk '{ s += $4 } END { print s + 0 }' "$results/$t")
  label=$(case $t in direct) echo "products-service (direct)";; nginx) echo "nginx 1.26 (proxy)";;
    gateway) echo "gateway";; esac)
  proxy_us=$(median 5 "$results/$t") upstream_us=$(median 6 "$results/$t")
  [ "$t" = direct ] && proxy_us=-
  printf '%-28s %7s %8s %8s %6s %10s %10s\n' "$label" "${rps[$t]}" "${p50[$t]}" "${p99[$t]}" \
    "$errors" "$proxy_us" "$upstream_us"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '%-28s %6sx %7sx %7sx\n' "gateway / nginx" "$(ratio "${rps[gateway]}" "${rps[nginx]}")" \
  "$(ratio "${p50[gateway]}" "${p50[nginx]}")" "$(ratio "${p99[gateway]}" "${p99[nginx]}")"
rps_ratio=$(ratio "${rps[gateway]}" "${rps[nginx]}")
p99_ratio=$(ratio "${p99[gateway]}" "${p99[nginx]}")
met=$(awk -v r="$rps_ratio" -v p="$p99_ratio" \
  'BEGIN { print (r >= 0.8 && p <= 1.5) ? "met" : "missed" }')
echo "target (req/s >= 0.8x nginx, p99 <= 1.5x nginx): $met"
