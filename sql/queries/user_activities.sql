-- retry: safe (a read: sending it again changes nothing)
-- $1 handle. Their unexpired top-level activities, newest first; no row
-- when the handle is unknown, one row of NULLs but the user's when they
-- have none. Columns as home_activities.sql.
SELECT a.uuid, u.display_name, u.handle, a.message, a.replies_count,
       a.reposts_count, a.likes_count, a.reply_to_activity_uuid,
       (date_part('epoch', a.expires_at) * 1e6)::int8,
       (date_part('epoch', a.created_at) * 1e6)::int8
FROM public.users u
LEFT JOIN LATERAL (
  SELECT *
  FROM public.activities
  WHERE user_uuid = u.uuid
    AND reply_to_activity_uuid IS NULL
    AND expires_at > now()
  ORDER BY created_at DESC
  LIMIT 100
) a ON true
WHERE u.handle = $1::text
ORDER BY a.created_at DESC
