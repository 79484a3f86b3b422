-- retry: safe (ON CONFLICT DO NOTHING: run again, it inserts nothing)
-- announces: users (app/db sends announce_change.sql after the commit)
-- $1 Cognito sub, $2 handle, $3 display name, $4 email: a user who has just
-- confirmed their sign-up (aws/signup). Idempotent on the sub: run again
-- (Cognito retrying the trigger) it inserts nothing and returns no row.
-- A handle another user holds fails with a unique violation (users_handle_key).
INSERT INTO public.users (cognito_user_id, handle, display_name, email)
VALUES ($1::text, $2::text, $3::text, $4::text)
ON CONFLICT (cognito_user_id) DO NOTHING
RETURNING uuid
