-- Migration 0001: Cruddur's PostgreSQL schema as it stood when migrations
-- began: users and their activities ("cruds"). scripts/db/migrate applies
-- each sql/migrations/NNNN-name.sql once, in order, in one transaction
-- with its row in schema_migrations; a database made before migrations is
-- taken to be at this one. A change of shape is a new file, never an edit
-- of an applied one; whatever it creates gets its DROP in sql/reset.sql.

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

-- The answer to a post, as the worker writes it for plain columns
-- (app/db/activity_json.c, byte for byte): kept only for the answer an
-- Idempotency-Key stores in the same statement as the post.
CREATE FUNCTION public.activity_json(a public.activities, u public.users)
RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'uuid', a.uuid, 'display_name', u.display_name, 'handle', u.handle,
    'message', a.message, 'replies_count', a.replies_count,
    'reposts_count', a.reposts_count, 'likes_count', a.likes_count,
    'reply_to_activity_uuid', a.reply_to_activity_uuid,
    'expires_at', a.expires_at, 'created_at', a.created_at)
$$;

-- A post sent with an Idempotency-Key header: the answer it got, written in
-- the same statement as the activity, so a retry of a post whose outcome
-- the caller never learned (503 outcome_unknown, a cut connection) gets
-- that answer instead of a second activity.
CREATE TABLE public.idempotency_keys (
  user_uuid  uuid NOT NULL REFERENCES public.users (uuid) ON DELETE CASCADE,
  key        text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 128),
  response   text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_uuid, key)
);
