#!/usr/bin/env bash
# Runs before the postgres image's own entrypoint (docker-entrypoint.sh), which it then execs
# unchanged, for two reasons:
#
# 1. Compose mounts a secret file as it is on the host (your user's, mode 600) and ignores
#    `uid`/`mode` outside Swarm, so only root can read /run/secrets/db-password. Whether the
#    image reads POSTGRES_PASSWORD_FILE before or after it switches to the postgres user is
#    its own business: a copy that postgres owns, on a tmpfs, works either way.
#
# 2. The init scripts run once, on an empty data directory. If one fails, the container stops
#    with the data directory already half made; the restart policy would start it again, skip
#    the scripts (the directory is no longer empty) and serve a database without its schema or
#    seed rows, reported healthy. So a marker is left beside the data directory before the
#    first start; the first passing healthcheck (only a fully initialised server passes it)
#    removes it. A start that finds both the marker and a data directory stops right here,
#    every time, until `make reset-2`.
set -Eeuo pipefail

install -o postgres -g postgres -m 400 /run/secrets/db-password "$POSTGRES_PASSWORD_FILE"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  touch "$INIT_MARKER"
elif [ -e "$INIT_MARKER" ]; then
  echo >&2 "error: an init script failed on the first start (its error is earlier in this log)," \
    "so $PGDATA is half made and will not be served."
  echo >&2 "       Fix the script, then run 'make reset-2' to start again from an empty volume."
  exit 1
fi

exec docker-entrypoint.sh "$@"
