-- retry: safe (a read: sending it again changes nothing)
-- $1 search term. Unexpired activities (replies too) whose message holds
-- the term as plain text, case-insensitively: strpos, not LIKE, so '%' and
-- '_' in the term are characters like any other. Columns as
-- home_activities.sql.
SELECT a.uuid, u.display_name, u.handle, a.message, a.replies_count,
       a.reposts_count, a.likes_count, a.reply_to_activity_uuid,
       (date_part('epoch', a.expires_at) * 1e6)::int8,
       (date_part('epoch', a.created_at) * 1e6)::int8
FROM (
  SELECT *
  FROM public.activities
  WHERE expires_at > now()
    AND strpos(lower(message), lower($1::text)) > 0
  ORDER BY created_at DESC
  LIMIT 100
) a
JOIN public.users u ON u.uuid = a.user_uuid
ORDER BY a.created_at DESC
