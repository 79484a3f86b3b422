-- retry: unsafe (a write: it may have run before the connection broke)
-- announces: users (app/db sends announce_change.sql after the commit)
-- $1 Cognito sub, $2 handle. Links a user row to its Cognito user
-- (scripts/db/update_cognito_user_ids); updates no row for an unknown handle.
UPDATE public.users SET cognito_user_id = $1::text WHERE handle = $2::text
