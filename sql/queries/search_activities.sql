-- retry: safe (a read: sending it again changes nothing)
-- $1 search term. Unexpired activities (replies too) whose message holds
-- the term as plain text, case-insensitively: strpos, not LIKE, so '%' and
-- '_' in the term are characters like any other.
SELECT COALESCE(json_agg(public.activity_json(a, u) ORDER BY a.created_at DESC),
                '[]'::json)
FROM (
  SELECT *
  FROM public.activities
  WHERE expires_at > now()
    AND strpos(lower(message), lower($1::text)) > 0
  ORDER BY created_at DESC
  LIMIT 100
) a
JOIN public.users u ON u.uuid = a.user_uuid
