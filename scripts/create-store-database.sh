#!/bin/sh
# docker-compose.yml's orgsync-db-setup: gives the orgsync worker a database of its own on the PostgreSQL
# that Temporal uses, owned by a user of its own (so the worker cannot touch Temporal's databases).
# Idempotent: it runs on every `docker compose up`, so a volume created before orgsync had a store gets one
# too, and a changed ORGSYNC_DB_PASSWORD takes effect. Connects with the PG* variables compose sets.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$ORGSYNC_DB_PASSWORD" --dbname postgres <<'SQL'
SELECT 'CREATE ROLE orgsync LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'orgsync')\gexec
ALTER ROLE orgsync LOGIN PASSWORD :'password';
SELECT 'CREATE DATABASE orgsync OWNER orgsync' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'orgsync')\gexec
SQL
echo "orgsync-db-setup: database orgsync (user orgsync) is ready"
