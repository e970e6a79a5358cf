#!/bin/sh
# Runs once, when the postgres service's data volume is first created: makes the read-only
# user Quarry connects as (the GRANT the README's "PostgreSQL data sources" section gives),
# on the `public` schema of POSTGRES_DB. Load the company's tables there.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner="$POSTGRES_USER" -v password="${QUARRY_READER_PASSWORD:-quarry}" <<'SQL'
CREATE ROLE quarry_reader LOGIN PASSWORD :'password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
ALTER ROLE quarry_reader SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE :"db" TO quarry_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO quarry_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO quarry_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO quarry_reader;
SQL
