-- retry: safe (a read: sending it again changes nothing)
-- The home feed: the newest unexpired top-level activities.
SELECT COALESCE(json_agg(public.activity_json(a, u) ORDER BY a.created_at DESC),
                '[]'::json)
FROM (
  SELECT *
  FROM public.activities
  WHERE reply_to_activity_uuid IS NULL
    AND expires_at > now()
  ORDER BY created_at DESC
  LIMIT 100
) a
JOIN public.users u ON u.uuid = a.user_uuid
