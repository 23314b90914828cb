# A real browser for tests: headless Chromium, driven through the DevTools protocol over a
# pipe (--remote-debugging-pipe: JSON messages ended by a NUL byte, on its file descriptors 3
# and 4), so that a test can read the live DOM of a page and take screenshots with nothing but
# bash and jq. Source it from a suite; a test starts one browser and stops it (its EXIT trap).
#
#   browser_start URL [CHROMIUM_FLAGS...]   loads URL; later calls talk to that page
#   browser_eval EXPRESSION                 sets EVAL: the expression's value, as JSON text
#   browser_screenshot FILE                 writes a PNG of the page as the window shows it
#   browser_stop

# browser_path: the Chromium to use (CHROMIUM, else chromium or chromium-browser on PATH).
browser_path() {
  if [ -n "${CHROMIUM:-}" ]; then echo "$CHROMIUM"; return; fi
  command -v chromium || command -v chromium-browser
}

# browser_start URL [FLAGS...]: a fresh profile, no first-run work and nothing fetched but URL.
browser_start() {
  local url=$1 chromium; shift
  chromium=$(browser_path) || { failed "no chromium on PATH (apt-get install chromium)"; return 1; }
  BROWSER_DIR=$(mktemp -d)
  mkfifo "$BROWSER_DIR/in" "$BROWSER_DIR/out"
  CDP_ID=0 CDP_SESSION=
  # Bounded: a browser the test forgot is gone after 5 minutes whatever happens.
  timeout -k 5 300 "$chromium" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --no-first-run --disable-component-update --disable-sync \
    --user-data-dir="$BROWSER_DIR/profile" --remote-debugging-pipe "$@" about:blank \
    3<"$BROWSER_DIR/in" 4>"$BROWSER_DIR/out" >"$BROWSER_DIR/log" 2>&1 &
  BROWSER_PID=$!
  # The same order as the browser's: its input first, then its output.
  exec {CDP_IN}>"$BROWSER_DIR/in" {CDP_OUT}<"$BROWSER_DIR/out"
  cdp Target.getTargets || return
  local target
  target=$(jq -r '[.targetInfos[] | select(.type == "page")][0].targetId' <<<"$CDP_RESULT")
  cdp Target.attachToTarget "$(jq -nc --arg t "$target" '{targetId: $t, flatten: true}')" \
    || return
  CDP_SESSION=$(jq -r .sessionId <<<"$CDP_RESULT")
  cdp Page.navigate "$(jq -nc --arg u "$url" '{url: $u}')"
}

# cdp METHOD [PARAMS]: one command to the browser (to the page once attached); sets CDP_RESULT.
# Events the browser sends meanwhile are skipped. No answer within 15 s fails.
cdp() {
  local method=$1 params=${2:-'{}'} message id
  CDP_ID=$((CDP_ID + 1)); id=$CDP_ID
  # In a subshell: a write to a browser that is gone ends that subshell (SIGPIPE), not the test.
  (jq -cnj --argjson id "$id" --arg m "$method" --argjson p "$params" --arg s "$CDP_SESSION" \
     '{id: $id, method: $m, params: $p} + (if $s == "" then {} else {sessionId: $s} end)' \
   && printf '\0') >&"$CDP_IN" 2>/dev/null \
    || { failed "the browser is gone; its log:" "$(tail -5 "$BROWSER_DIR/log")"; return 1; }
  while IFS= read -r -d '' -t 15 message <&"$CDP_OUT"; do
    [ "$(jq -r '.id // empty' <<<"$message")" = "$id" ] || continue
    if jq -e .error <<<"$message" >/dev/null; then
      failed "the browser refused $method: $(jq -c .error <<<"$message")"; return 1
    fi
    CDP_RESULT=$(jq -c .result <<<"$message")
    return 0
  done
  failed "no answer from the browser to $method within 15 s; its log:" \
    "$(tail -5 "$BROWSER_DIR/log")"
}

# browser_eval EXPRESSION: sets EVAL to the JSON of its value (an exception fails the test).
browser_eval() {
  cdp Runtime.evaluate "$(jq -nc --arg e "$1" '{expression: $e, returnByValue: true}')" \
    || return
  if jq -e .exceptionDetails <<<"$CDP_RESULT" >/dev/null; then
    failed "the page threw: $(jq -c .exceptionDetails.exception.description <<<"$CDP_RESULT")"
    return 1
  fi
  EVAL=$(jq -c '.result.value' <<<"$CDP_RESULT")
}

# browser_screenshot FILE: the page as its window shows it, as PNG.
browser_screenshot() {
  cdp Page.captureScreenshot '{"format": "png"}' || return
  jq -r .data <<<"$CDP_RESULT" | base64 -d >"$1"
}

browser_stop() {
  [ -n "${BROWSER_PID:-}" ] || return 0
  # Asked to close (it may go before it answers), then stopped if it is still there in 5 s.
  (printf '{"id":0,"method":"Browser.close"}\0' >&"$CDP_IN") 2>/dev/null || true
  local i
  for i in $(seq 50); do kill -0 "$BROWSER_PID" 2>/dev/null || break; sleep 0.1; done
  kill "$BROWSER_PID" 2>/dev/null || true
  wait "$BROWSER_PID" 2>/dev/null || true
  exec {CDP_IN}>&- {CDP_OUT}<&-
  rm -rf "$BROWSER_DIR"
  BROWSER_PID=
}
