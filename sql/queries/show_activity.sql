-- retry: safe (a read: sending it again changes nothing)
-- $1 activity uuid. The unexpired activity with its unexpired replies,
-- oldest first; no row when absent or expired.
SELECT (public.activity_json(a, u)::jsonb || jsonb_build_object('replies', (
  SELECT COALESCE(json_agg(public.activity_json(r, ru) ORDER BY r.created_at),
                  '[]'::json)
  FROM public.activities r
  JOIN public.users ru ON ru.uuid = r.user_uuid
  WHERE r.reply_to_activity_uuid = a.uuid
    AND r.expires_at > now()
)))::json
FROM public.activities a
JOIN public.users u ON u.uuid = a.user_uuid
WHERE a.uuid = $1::uuid
  AND a.expires_at > now()
