#!/bin/sh
# Challenge 1's client: asks the server for / every INTERVAL seconds, by its service name on
# the compose network, and prints one line per answer. A failure is one clear line, and the
# loop goes on, so a server that is still starting or restarting is simply waited for.
set -u
url=${SERVER_URL:-http://server:8080/}
interval=${INTERVAL:-2}
case $interval in ''|*[!0-9]*) echo "client: INTERVAL must be whole seconds, got '$interval'"; exit 2;; esac

# PID 1 gets no default signal handlers: without this trap `docker stop` would wait 10 s.
trap 'echo "client: stopping"; exit 0' TERM INT

echo "client: asking $url every ${interval}s"
while :; do
  # The healthcheck's proof that this loop is alive (on the tmpfs; the rest is read-only).
  touch /tmp/heartbeat
  now=$(date -u +%H:%M:%S)
  if body=$(wget -q -T 3 -O - "$url" 2>&1); then
    echo "$now ok   $body"
  else
    echo "$now FAIL cannot reach $url: $(echo "$body" | tail -n 1)"
  fi
  # sleep in the background and wait for it, so SIGTERM interrupts the wait at once.
  sleep "$interval" & wait $!
done
