#!/bin/sh
# The connector's role: LOGIN + REPLICATION, password from the environment (never in a migration).
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
CREATE ROLE outbox_connector WITH LOGIN REPLICATION PASSWORD '${OUTBOX_DB_PASSWORD}';
SQL
