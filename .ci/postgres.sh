# Source this file (as root, on Debian): installs PostgreSQL + PostGIS from Debian's packages,
# starts a throw-away cluster on 127.0.0.1 (trust auth, loopback only, data in a temp folder
# owned by the postgres user), creates the test database with the postgis extension and exports
# NINOHE_GEO_TEST_PG, the URL the PostGIS backend tests use. Idempotent: re-sourcing reuses a
# cluster that is still running.
#   source .ci/postgres.sh        (then: ./run test)
NINOHE_PG_PORT="${NINOHE_PG_PORT:-54329}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null
fi
NINOHE_PG_BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
if ! "$NINOHE_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$NINOHE_PG_PORT"; then
  NINOHE_PG_DIR="$(mktemp -d /tmp/ninohe-pg.XXXXXX)"
  chown postgres:postgres "$NINOHE_PG_DIR"
  su postgres -s /bin/sh -c "'$NINOHE_PG_BIN/initdb' -D '$NINOHE_PG_DIR/data' -A trust -U postgres -E UTF8 --no-locale" >/dev/null
  su postgres -s /bin/sh -c "'$NINOHE_PG_BIN/pg_ctl' -D '$NINOHE_PG_DIR/data' -l '$NINOHE_PG_DIR/log' -w \
    -o \"-p $NINOHE_PG_PORT -k '$NINOHE_PG_DIR' -c listen_addresses=127.0.0.1\" start" >/dev/null
fi
for NINOHE_PG_DB in ninohe_test; do
  if ! psql -h 127.0.0.1 -p "$NINOHE_PG_PORT" -U postgres -Atc \
    "SELECT 1 FROM pg_database WHERE datname = '$NINOHE_PG_DB'" | grep -q 1; then
    psql -q -h 127.0.0.1 -p "$NINOHE_PG_PORT" -U postgres -c "CREATE DATABASE $NINOHE_PG_DB"
  fi
  psql -q -h 127.0.0.1 -p "$NINOHE_PG_PORT" -U postgres -d "$NINOHE_PG_DB" \
    -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS postgis"
done
export NINOHE_GEO_TEST_PG="postgresql://postgres@127.0.0.1:${NINOHE_PG_PORT}/ninohe_test"
