-- retry: safe (a read: sending it again changes nothing)
-- $1 activity uuid. The unexpired activity, then its unexpired replies,
-- oldest first; no row when absent or expired. Columns as
-- home_activities.sql.
WITH p AS (
  SELECT *
  FROM public.activities
  WHERE uuid = $1::uuid
    AND expires_at > now()
)
SELECT a.uuid, u.display_name, u.handle, a.message, a.replies_count,
       a.reposts_count, a.likes_count, a.reply_to_activity_uuid,
       (date_part('epoch', a.expires_at) * 1e6)::int8,
       (date_part('epoch', a.created_at) * 1e6)::int8
FROM (
  SELECT p.*, 0 AS is_reply FROM p
  UNION ALL
  SELECT r.*, 1 AS is_reply
  FROM public.activities r
  JOIN p ON r.reply_to_activity_uuid = p.uuid
  WHERE r.expires_at > now()
) a
JOIN public.users u ON u.uuid = a.user_uuid
ORDER BY a.is_reply, a.created_at
