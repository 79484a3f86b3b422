-- retry: safe (a read: sending it again changes nothing)
-- $1 the caller's uuid. Unexpired replies by others to the caller's
-- activities, newest first.
SELECT COALESCE(json_agg(public.activity_json(r, u) ORDER BY r.created_at DESC),
                '[]'::json)
FROM (
  SELECT r.*
  FROM public.activities r
  JOIN public.activities p ON p.uuid = r.reply_to_activity_uuid
  WHERE p.user_uuid = $1::uuid
    AND r.user_uuid <> $1::uuid
    AND r.expires_at > now()
  ORDER BY r.created_at DESC
  LIMIT 100
) r
JOIN public.users u ON u.uuid = r.user_uuid
