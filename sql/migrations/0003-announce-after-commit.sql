-- A NOTIFY in a transaction serializes its commit with every other
-- notifying commit of the database: PostgreSQL holds one lock from the
-- notification's queueing to the end of the commit, WAL flush included. A
-- trigger that notifies on every post made all posts commit one at a time
-- (pgbench, 16 clients, one insert each: 840-2,030 tps with it, 6,470-
-- 7,960 without). So the project's own connections (app/db, which set
-- cruddur.notify = after) announce their writes themselves, right after
-- the commit, in a transaction of its own that does not wait for the flush
-- (sql/queries/announce_change.sql; 5,290-5,580 tps). The triggers still
-- notify for every other writer (psql, scripts, other clients), as before.
CREATE OR REPLACE FUNCTION public.cruddur_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('cruddur.notify', true), '') <> 'after' THEN
    PERFORM pg_notify('cruddur_changes', TG_TABLE_NAME);
  END IF;
  RETURN NULL;
END
$$;
