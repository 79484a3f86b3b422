-- Drops every object the migrations (sql/migrations/) make, and their
-- record: scripts/db/schema-load runs it, then scripts/db/migrate, so that
-- loading again gives an empty database of the current shape. A migration
-- that creates an object adds its DROP here (make test loads twice and
-- compares with a database migrated from empty: tests/e2e/07-migrations.t).

DROP FUNCTION IF EXISTS public.activity_json;
DROP TABLE IF EXISTS public.idempotency_keys;
DROP TABLE IF EXISTS public.activities;
DROP TABLE IF EXISTS public.users;
DROP FUNCTION IF EXISTS public.cruddur_notify_change;
DROP TABLE IF EXISTS public.schema_migrations;
