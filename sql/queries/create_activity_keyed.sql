-- retry: unsafe (a write: it may have run before the connection broke)
-- announces: activities (app/db sends announce_change.sql after the commit)
-- $1 author uuid, $2 message, $3 time to live as an interval ('7 days'),
-- $4 the request's Idempotency-Key, $5 the post's fingerprint, $6 how long
-- the key answers retries, in seconds. As create_activity, and the answer
-- is kept under ($1, $4) in the same statement: both land or neither. A
-- key already used fails the whole statement (unique violation).
WITH ins AS (
  INSERT INTO public.activities (user_uuid, message, expires_at)
  VALUES ($1::uuid, $2::text, now() + $3::interval)
  RETURNING *
), answer AS (
  SELECT public.activity_json(ROW(ins.*)::public.activities, u)::text AS json
  FROM ins
  JOIN public.users u ON u.uuid = ins.user_uuid
), kept AS (
  INSERT INTO public.idempotency_keys (user_uuid, key, request, response,
                                       expires_at)
  SELECT $1::uuid, $4::text, $5::text, json,
         now() + make_interval(secs => $6::integer)
  FROM answer
)
SELECT json FROM answer
