-- retry: unsafe (a write: it may have run before the connection broke)
-- $1 author uuid, $2 message, $3 time to live as an interval ('7 days').
-- Answers the created activity.
WITH ins AS (
  INSERT INTO public.activities (user_uuid, message, expires_at)
  VALUES ($1::uuid, $2::text, now() + $3::interval)
  RETURNING *
)
SELECT public.activity_json(ROW(ins.*)::public.activities, u)
FROM ins
JOIN public.users u ON u.uuid = ins.user_uuid
