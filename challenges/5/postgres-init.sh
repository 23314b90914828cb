#!/usr/bin/env bash
# One database and one role per service, each database owned by its role: then that service's
# scripts (sql/NAME/, mounted at /sql/NAME) run in its database as its role, so the tables are
# the service's own. No other role may connect to it (CONNECT is revoked from PUBLIC), and
# PostgreSQL has no query across databases: users-service cannot read or write products, nor
# the other way round. The postgres image runs this once, on the first start with an empty
# data volume, as the superuser on the Unix socket; each password is read from its secret file
# by psql itself, so it appears on no command line.
set -Eeuo pipefail

for name in users products; do
  echo "postgres-init: database $name, owned by role $name"
  psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "$POSTGRES_USER" --dbname postgres \
    -v name="$name" -v file="/run/secrets/$name-db-password" <<'SQL'
\set password `cat :'file'`
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  for script in "/sql/$name"/*.sql; do
    echo "postgres-init: running $script in database $name as role $name"
    psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "$name" --dbname "$name" -f "$script"
  done
done
# Nor may the services' roles connect to the server's own databases.
psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "$POSTGRES_USER" --dbname postgres \
  -c 'REVOKE CONNECT ON DATABASE postgres, template1 FROM PUBLIC'
