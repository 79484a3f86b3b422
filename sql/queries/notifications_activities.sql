-- retry: safe (a read: sending it again changes nothing)
-- $1 the caller's uuid. Unexpired replies by others to the caller's
-- activities, newest first. Columns as home_activities.sql.
SELECT r.uuid, u.display_name, u.handle, r.message, r.replies_count,
       r.reposts_count, r.likes_count, r.reply_to_activity_uuid,
       (date_part('epoch', r.expires_at) * 1e6)::int8,
       (date_part('epoch', r.created_at) * 1e6)::int8
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
ORDER BY r.created_at DESC
