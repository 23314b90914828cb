# Bad input against every published service: challenge 1's server, 3's catalog, 4's service B
# and 5's gateway (and through it users-service and products-service). The cases are the lines
# of tests/hardening/cases; each test sends one group of one challenge, every case over its own
# connection, and expects the problem the table names, or HttpServer's own refusal. Then
# the challenge must be as healthy as before (nothing restarted, /health at once, no 5xx but
# the 501 of a method no service implements, no stack trace in any of its logs) and its data
# exactly as before. Slow clients must be cut off by HttpServer's request timeout while others
# are served, and every challenge's `docker compose down` must finish within 3 s.
#
# Every challenge runs in its own compose project with free ports; challenge 2 runs only for
# its down time.

# shellcheck source=tests/stacks.sh
source "$TESTS_DIR/stacks.sh"
STACKS_NAME=hardening STACKS="1 2 3 4 5"

# A case gets 5 s for its answer: the services answer bad input in milliseconds, a busy
# 2-core machine may add a second or two, and 5 s stays well below HttpServer's 10 s request
# timeout, so a service that hangs is not mistaken for one that answered.
CASE_TIMEOUT_S=5
# The Java services of each challenge: their logs are checked, the first answers on the port.
SERVICES_1="server" SERVICES_3="catalog" SERVICES_4="service-b service-a"
SERVICES_5="gateway users-service products-service"

setup() {
  local n
  make -s -C "$ROOT" challenges/2/secrets/db-password >/dev/null   # as `make run-2` does
  stacks_up
  for n in 1 3 4 5; do remember "STATE_$n" "$(containers_state "$n")"; done
}

teardown() { stacks_down; }

services_of() { var SERVICES "$1"; }
# containers_state N: every container of challenge N with its start time and restart count.
containers_state() {
  local ids; ids=$(stack "$1" ps -aq)
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086
  docker inspect -f '{{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.RestartCount}}' $ids | sort
}

# expand TEXT: the bytes TEXT stands for (<xHH>, <N*C>, <crlf>; see tests/hardening/cases).
expand() {
  local LC_ALL=C rest=$1 token
  local re='^([^<]*)<(x[0-9a-fA-F][0-9a-fA-F]|[0-9]+\*.|crlf)>(.*)$'
  while [[ $rest =~ $re ]]; do
    printf '%s' "${BASH_REMATCH[1]}"
    token=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
    case $token in
      x??) printf "\\x${token#x}" ;;
      crlf) printf '\r\n' ;;
      *) head -c "${token%%\**}" /dev/zero | tr '\0' "${token#*\*}" ;;
    esac
  done
  printf '%s' "$rest"
}

# body_file SPEC: a file holding the body SPEC names (- is none: an empty file).
body_file() {
  local file
  case $1 in
    -) file=$TMP/empty; : >"$file" ;;
    @*) file=$TMP/spaces-${1#@}
        [ -f "$file" ] || head -c "${1#@}" /dev/zero | tr '\0' ' ' >"$file" ;;
    *) file=$TMP/body; expand "$1" >"$file" ;;
  esac
  echo "$file"
}

# request PORT METHOD TARGET HEADERS BODY: writes the request a table line stands for to
# $TMP/request and prints that file's name.
request() {
  local port=$1 method=$2 target=$3 headers=$4 spec=$5 body token tokens i framed=0 chunked=0
  body=$(body_file "$spec")
  {
    if [ "$method" = RAW ]; then expand "$target"; else expand "$method $target HTTP/1.1"; fi
    printf '\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n' "$port"
    IFS=, read -ra tokens <<<"$headers"
    for token in "${tokens[@]}"; do
      case $token in
        -) ;;
        json) printf 'Content-Type: application/json\r\n' ;;
        text) printf 'Content-Type: text/plain\r\n' ;;
        chunked) printf 'Transfer-Encoding: chunked\r\n'; chunked=1 framed=1 ;;
        pad:*) for i in $(seq "${token#pad:}"); do printf 'X-Pad-%d: %d\r\n' "$i" "$i"; done ;;
        *:*) expand "${token%%:*}"; printf ': '; expand "${token#*:}"; printf '\r\n'
             [[ ${token,,} =~ ^(content-length|transfer-encoding): ]] && framed=1 ;;
        *) expand "$token"; printf '\r\n' ;; # a line that is no header at all
      esac
    done
    if [ "$framed" = 0 ] && [ "$spec" != - ]; then
      printf 'Content-Length: %d\r\n' "$(stat -c %s "$body")"
    fi
    printf '\r\n'
    if [ "$chunked" = 1 ]; then
      printf '%x\r\n' "$(stat -c %s "$body")"; cat "$body"; printf '\r\n0\r\n\r\n'
    else
      cat "$body"
    fi
  } >"$TMP/request"
  echo "$TMP/request"
}

# exchange PORT FILE: sends FILE over a new connection and reads one answer (1xx skipped).
# Sets STATUS (closed: no answer at all; hang: none within CASE_TIMEOUT_S), HEADERS (names in
# lower case) and BODY as lib.sh's `http` does. The answer is read by its length, not until
# the connection closes: HttpServer goes on reading an unread body after it answered.
exchange() {
  local LC_ALL=C line name length chunked size writer rc
  STATUS=closed HEADERS='' BODY=''
  exec 3<>"/dev/tcp/127.0.0.1/$1" || { STATUS=refused; return 0; }
  cat "$2" >&3 2>/dev/null &
  writer=$!
  while :; do
    rc=0
    IFS= read -r -t "$CASE_TIMEOUT_S" line <&3 || rc=$?
    if [ "$rc" != 0 ]; then
      if [ "$rc" -gt 128 ]; then STATUS=hang; elif [ -n "$line" ]; then STATUS=partial; fi
      break
    fi
    line=${line%$'\r'}
    [[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] || { STATUS=garbled; break; }
    STATUS=${BASH_REMATCH[1]} HEADERS='' length='' chunked=''
    while IFS= read -r -t "$CASE_TIMEOUT_S" line <&3 && line=${line%$'\r'} && [ -n "$line" ]; do
      name=${line%%:*}
      HEADERS+="${name,,}:${line#*:}"$'\n'
      case ${line,,} in
        content-length:*) length=${line#*:}; length=${length// /} ;;
        transfer-encoding:*chunked*) chunked=1 ;;
      esac
    done
    if [[ $STATUS == 1?? ]]; then continue; fi
    if [ -n "$chunked" ]; then
      while IFS= read -r -t "$CASE_TIMEOUT_S" size <&3 && size=$((16#${size%$'\r'})) \
          && [ "$size" -gt 0 ]; do
        IFS= read -r -N "$size" -t "$CASE_TIMEOUT_S" line <&3 || true
        BODY+=$line
        IFS= read -r -t "$CASE_TIMEOUT_S" line <&3 || true
      done
    elif [ -n "$length" ] && [ "$length" != 0 ]; then
      IFS= read -r -N "$length" -t "$CASE_TIMEOUT_S" BODY <&3 || true
    elif [ -z "$length" ]; then
      BODY=$(timeout "$CASE_TIMEOUT_S" cat <&3 || true)
    fi
    break
  done
  exec 3<&-
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
}

# verdict EXPECT: why the last answer is not what EXPECT asks for (nothing when it is).
verdict() {
  case $1 in
    jdk:closed) [ "$STATUS" = closed ] || echo "expected the connection closed, got $STATUS" ;;
    jdk:*) [ "$STATUS" = "${1#jdk:}" ] || echo "expected HttpServer's ${1#jdk:}, got $STATUS" ;;
    *) # What lib.sh's expect_problem checks, with one jq rather than five (cases add up).
      local id got filter='"\(.status) \(.type | startswith("/problems/"))'
      filter+=' \(.detail | strings | length > 0) \(.request_id)"'
      [ "$STATUS" = "$1" ] || { echo "expected $1, got $STATUS"; return; }
      [[ $(header content-type) =~ ^application/problem\+json ]] \
        || { echo "expected a problem, got content-type '$(header content-type)'"; return; }
      id=$(header x-request-id)
      got=$(jq -r "$filter" <<<"$BODY" 2>&1)
      [ "$got" = "$1 true true $id" ] \
        || echo "expected status, type, detail, request_id: $1 true true $id, got $got" ;;
  esac
}

# run_cases N GROUP: sends every case of challenge N's GROUP; prints one line per case that
# failed and a count, and fails if any did.
run_cases() {
  local n=$1 group=$2 port case method target headers expect body tried=0 failed=0 why
  port=$(port_of "$n")
  while read -r case method target headers expect body; do
    [ "$case" = "$n/$group" ] || continue
    tried=$((tried + 1))
    exchange "$port" "$(request "$port" "$method" "$target" "$headers" "$body")"
    why=$(verdict "$expect")
    if [ -n "$why" ]; then
      failed=$((failed + 1))
      printf 'case %d: %s %s [%s] %s: %s (%s)\n' "$tried" "$method" "${target:0:40}" \
        "$headers" "${body:0:50}" "${why:0:160}" "$(json .detail 2>/dev/null | cut -c1-80)"
    fi
  done <"$TESTS_DIR/hardening/cases"
  echo "report: challenge $n, $group: $tried cases tried, $((tried - failed)) answered as expected"
  [ "$tried" -gt 0 ] || fail "no case for $n/$group"
  [ "$failed" = 0 ]
}

# log_faults CONTAINER SINCE: lines logged since SINCE that show a failure: not JSON (a stack
# trace), level error, or an access line with a 5xx or no status (-1: nothing was sent). A 501
# is no failure: it is the kit's answer to a method no service implements.
log_faults() {
  docker logs --since "$2" "$1" 2>&1 \
    | jq -R -c 'fromjson? // {unparsed: .}
        | select(.unparsed or .level == "error"
                 or (.msg == "request" and ((.status >= 500 and .status != 501) or .status < 0)))' \
    | cut -c1-200
}

# still_healthy N SINCE: nothing of challenge N restarted, its port answers /health at once,
# and its Java services logged no failure since SINCE. (A gateway that blames an upstream for
# a client's bad request logs a 502 or 504, and sets that upstream aside for a while.) Checks
# everything, then fails if anything was wrong.
still_healthy() {
  local n=$1 since=$2 url service bad code seconds status=0 state_var="STATE_$1"
  url="http://127.0.0.1:$(port_of "$n")"
  expect_eq "${!state_var}" "$(containers_state "$n")" "containers, start times, restarts" \
    || status=1
  read -r code seconds < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    --max-time 5 "$url/health")
  expect_eq 200 "$code" "/health" || status=1
  # /health does no I/O and takes milliseconds; 2 s allows for other suites sharing 2 cores.
  expect_le 2 "$seconds" "seconds for /health" || status=1
  for service in $(services_of "$n"); do
    # A log that cannot be read must not pass for one without failures.
    bad=$(log_faults "$(stack "$n" ps -q "$service")" "$since") \
      || { failed "cannot read the log of $service"; status=1; continue; }
    expect_eq "" "$(head -3 <<<"$bad")" \
      "failures in the log of $service ($(grep -c . <<<"$bad") lines)" || status=1
  done
  return "$status"
}

# bad_input N GROUP: the cases of N/GROUP, then the health and data checks.
bad_input() {
  local n=$1 since before after status=0
  since=$(date +%s.%N)
  before=$(snapshot "$n") || return 1
  run_cases "$n" "$2" || status=1
  still_healthy "$n" "$since" || status=1
  after=$(snapshot "$n") && expect_eq "$before" "$after" "data after the bad requests" \
    || status=1
  return "$status"
}

# expects_counted CONDITION: how many cases of the table meet CONDITION, an awk condition on
# e, their EXPECT column.
expects_counted() {
  awk "!/^#/ && NF { e = \$5; if ($1) n++ } END { print n + 0 }" "$TESTS_DIR/hardening/cases"
}

# The README says what each kind of case gets, with numbers: they must be the table's.
test_the_readme_counts_the_table_as_it_is() {
  local readme total problems methods bare bare_501 closed
  readme=$(tr '\n' ' ' <"$ROOT/README.md" | tr -s ' ')
  total=$(expects_counted 1)
  problems=$(expects_counted 'e ~ /^4[0-9][0-9]$/')
  methods=$(expects_counted 'e == "501"')
  bare=$(expects_counted 'e == "jdk:400" || e == "jdk:404"')
  bare_501=$(expects_counted 'e == "jdk:501"')
  closed=$(expects_counted 'e == "jdk:closed"')
  echo "report: $total cases: $problems + $methods problems, $bare + $bare_501 bare answers," \
    "$closed closed"
  expect_eq "$total" "$((problems + methods + bare + bare_501 + closed))" \
    "cases that expect a 4xx or 501 problem, a bare 400, 404 or 501, or a closed connection"
  for claim in "a table of $total bad requests" \
      "$((problems + methods)) must get the service's own problem" \
      "a 4xx, or for the $methods with a method no service implements a 501" \
      "$((bare + bare_501)) never reach the service's code" \
      "$bare a 400 or 404 and $bare_501 a 501" \
      "$closed, with too many or too large header lines"; do
    [[ $readme == *"$claim"* ]] || fail "README.md does not say: $claim"
  done
}

test_1_oversized_requests_are_refused() { bad_input 1 limits; }
test_1_malformed_requests_and_wrong_methods_are_refused() { bad_input 1 protocol; }
test_3_malformed_json_and_bad_values_are_400() { bad_input 3 values; }
test_3_oversized_requests_are_refused() { bad_input 3 limits; }
test_3_malformed_requests_and_wrong_methods_are_refused() { bad_input 3 protocol; }
test_4_bad_ids_and_queries_are_400() { bad_input 4 values; }
test_4_oversized_requests_are_refused() { bad_input 4 limits; }
test_4_malformed_requests_and_wrong_methods_are_refused() { bad_input 4 protocol; }
test_5_malformed_json_and_bad_values_are_400() { bad_input 5 values; }
test_5_oversized_requests_are_refused() { bad_input 5 limits; }
test_5_malformed_requests_and_wrong_methods_are_refused() { bad_input 5 protocol; }

# slow_client PORT REQUEST OUT: sends REQUEST (a printf format) and nothing more, then writes
# to OUT how many ms passed until the server closed the connection (40 s at most).
slow_client() {
  local start; start=$(now_ms)
  exec 3<>"/dev/tcp/127.0.0.1/$1" || { echo refused >"$3"; return; }
  # shellcheck disable=SC2059
  printf "$2" >&3
  timeout 40 cat <&3 >/dev/null || true
  echo "$(( $(now_ms) - start ))" >"$3"
}

# The route each challenge reads a body on (or refuses a body on), and a route to keep asking.
WRITE_1=/ WRITE_3=/products WRITE_4=/profiles WRITE_5=/users
READ_1=/ READ_3=/products/1 READ_4=/profiles/1 READ_5=/users/1

test_slow_clients_are_cut_off_while_others_are_served() {
  local n kind limit since before=() after dir pids=() rounds=0 late=0 code seconds write route
  local status=0
  since=$(date +%s.%N) dir=$TMP/slow
  mkdir -p "$dir"
  for n in 1 3 4 5; do before[n]=$(snapshot "$n") || return 1; done
  # Four kinds per challenge: half a request head, a head with half its body, a chunked body
  # cut off after its first chunk, and a connection that never sends a byte.
  for n in 1 3 4 5; do
    write="WRITE_$n"
    slow_client "$(port_of "$n")" 'GET /health HTTP/1.1\r\nHost: x\r\n' "$dir/$n-head" &
    pids+=($!)
    slow_client "$(port_of "$n")" "POST ${!write} HTTP/1.1\r\nHost: x\r\nContent-Type: \
application/json\r\nContent-Length: 100\r\n\r\n{\"name\":" "$dir/$n-body" &
    pids+=($!)
    slow_client "$(port_of "$n")" "POST ${!write} HTTP/1.1\r\nHost: x\r\nContent-Type: \
application/json\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{\"name\":\r\n" "$dir/$n-chunks" &
    pids+=($!)
    slow_client "$(port_of "$n")" '' "$dir/$n-silent" &
    pids+=($!)
  done
  # Meanwhile every challenge answers its usual request within 2 s (it takes milliseconds;
  # the rest is for other suites sharing the machine's 2 cores).
  while [ "$(ls "$dir" | wc -l)" -lt 16 ] && [ "$rounds" -lt 80 ]; do
    rounds=$((rounds + 1))
    for n in 1 3 4 5; do
      route="READ_$n"
      read -r code seconds < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
        --max-time 5 "http://127.0.0.1:$(port_of "$n")${!route}")
      if [ "$code" != 200 ] || ! awk -v s="$seconds" 'BEGIN { exit !(s <= 2) }'; then
        late=$((late + 1)); echo "challenge $n answered $code after $seconds s"
      fi
    done
    sleep 0.5
  done
  wait "${pids[@]}" || true
  echo "report: $rounds rounds of requests to the four challenges while 16 slow clients waited"
  expect_eq 0 "$late" "requests not answered 200 within 2 s" || status=1
  # HttpServer closes a connection whose request is not complete after maxReqTime (10 s, set
  # by the kit), checked every second: 13 s leaves 2 s for a busy machine. A connection that
  # sent nothing is idle (at most 10 s), and the idle check runs every 10 s: 23 s.
  for n in 1 3 4 5; do
    for kind in head body chunks silent; do
      limit=13000
      [ "$kind" = silent ] && limit=23000
      expect_le "$limit" "$(cat "$dir/$n-$kind")" "ms until challenge $n closed the $kind client" \
        || status=1
    done
    still_healthy "$n" "$since" || status=1
    after=$(snapshot "$n") && expect_eq "${before[n]}" "$after" "challenge $n data" || status=1
  done
  return "$status"
}

# Last, every challenge's `docker compose down` (down_within_3s: tests/stacks.sh).
test_1_down_finishes_within_3s() { down_within_3s 1; }
test_2_down_finishes_within_3s() { down_within_3s 2; }
test_3_down_finishes_within_3s() { down_within_3s 3; }
test_4_down_finishes_within_3s() { down_within_3s 4; }
test_5_down_finishes_within_3s() { down_within_3s 5; }
