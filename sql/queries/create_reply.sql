-- retry: unsafe (a write: it may have run before the connection broke)
-- announces: activities (app/db sends announce_change.sql after the commit)
-- $1 author uuid, $2 parent activity uuid, $3 message. One statement, so
-- the reply and the parent's count land together or not at all. The reply
-- expires with its parent. No row when the parent is absent or expired.
-- Answers the reply, columns as home_activities.sql.
WITH parent AS (
  UPDATE public.activities
  SET replies_count = replies_count + 1
  WHERE uuid = $2::uuid AND expires_at > now()
  RETURNING uuid, expires_at
), ins AS (
  INSERT INTO public.activities (user_uuid, message, reply_to_activity_uuid,
                                 expires_at)
  SELECT $1::uuid, $3::text, parent.uuid, parent.expires_at
  FROM parent
  RETURNING *
)
SELECT ins.uuid, u.display_name, u.handle, ins.message, ins.replies_count,
       ins.reposts_count, ins.likes_count, ins.reply_to_activity_uuid,
       (date_part('epoch', ins.expires_at) * 1e6)::int8,
       (date_part('epoch', ins.created_at) * 1e6)::int8
FROM ins
JOIN public.users u ON u.uuid = ins.user_uuid
