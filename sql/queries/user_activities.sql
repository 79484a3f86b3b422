-- retry: safe (a read: sending it again changes nothing)
-- $1 handle. One row when the user exists: their unexpired top-level
-- activities, newest first; no row when the handle is unknown.
SELECT (
  SELECT COALESCE(json_agg(public.activity_json(a, u) ORDER BY a.created_at DESC),
                  '[]'::json)
  FROM (
    SELECT *
    FROM public.activities
    WHERE user_uuid = u.uuid
      AND reply_to_activity_uuid IS NULL
      AND expires_at > now()
    ORDER BY created_at DESC
    LIMIT 100
  ) a
)
FROM public.users u
WHERE u.handle = $1::text
