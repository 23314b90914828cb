# shellcheck shell=bash
# What the benches read from wrk's output (sourced by tests/N/bench.sh).

# wrk_ms VALUE: a wrk latency (850.00us, 1.20ms, 1.05s) in milliseconds.
wrk_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# wrk_summary OUTPUT: "REQ_PER_S P50_MS P99_MS ERRORS" from the output of `wrk --latency`.
# ERRORS counts "Non-2xx or 3xx responses: N" and every socket error (connect, read, write,
# timeout): a request that failed in any way.
wrk_summary() {
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$1")
  p50=$(wrk_ms "$(awk '$1 == "50%" { print $2 }' <<<"$1")")
  p99=$(wrk_ms "$(awk '$1 == "99%" { print $2 }' <<<"$1")")
  errors=$(awk '/^  Non-2xx/ { s += $NF }
                /^  Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 }
                END { print s + 0 }' <<<"$1")
  echo "$rps $p50 $p99 $errors"
}
