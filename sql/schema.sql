-- Cruddur's PostgreSQL schema: users and their activities ("cruds").
-- Loaded by scripts/db/schema-load; it drops what it creates, so loading it
-- again gives an empty database of the current shape.

DROP FUNCTION IF EXISTS public.activity_json;
DROP TABLE IF EXISTS public.activities;
DROP TABLE IF EXISTS public.users;
DROP FUNCTION IF EXISTS public.cruddur_notify_change;

CREATE TABLE public.users (
  uuid            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name    text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 64),
  -- The worker keeps handles in fixed 33-byte fields (app/db/user.h).
  handle          text NOT NULL UNIQUE
                  CHECK (handle ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$'),
  email           text NOT NULL,
  cognito_user_id text UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.activities (
  uuid                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_uuid              uuid NOT NULL REFERENCES public.users (uuid) ON DELETE CASCADE,
  message                text NOT NULL,
  replies_count          integer NOT NULL DEFAULT 0,
  reposts_count          integer NOT NULL DEFAULT 0,
  likes_count            integer NOT NULL DEFAULT 0,
  reply_to_activity_uuid uuid REFERENCES public.activities (uuid) ON DELETE CASCADE,
  expires_at             timestamptz NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now()
);

-- The feeds: home (top-level, newest first), a user's (by author), the
-- replies under an activity and the notifications (replies to one's own).
CREATE INDEX activities_feed_idx ON public.activities (created_at DESC)
  WHERE reply_to_activity_uuid IS NULL;
CREATE INDEX activities_user_idx ON public.activities (user_uuid, created_at DESC);
CREATE INDEX activities_reply_to_idx ON public.activities (reply_to_activity_uuid, created_at);

-- Every statement that writes users or activities tells the workers which
-- table changed (NOTIFY cruddur_changes, payload the table's name), at its
-- commit: each worker LISTENs and drops the cached answers read from that
-- table (app/db/db_notify.h; README, "Caching").
CREATE FUNCTION public.cruddur_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cruddur_changes', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
CREATE TRIGGER users_notify_change
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.users
  FOR EACH STATEMENT EXECUTE FUNCTION public.cruddur_notify_change();
CREATE TRIGGER activities_notify_change
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.activities
  FOR EACH STATEMENT EXECUTE FUNCTION public.cruddur_notify_change();
