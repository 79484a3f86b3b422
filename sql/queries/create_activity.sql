-- retry: unsafe (a write: it may have run before the connection broke)
-- announces: activities (app/db sends announce_change.sql after the commit)
-- $1 author uuid, $2 message, $3 time to live as an interval ('7 days').
-- Answers the created activity, columns as home_activities.sql.
WITH ins AS (
  INSERT INTO public.activities (user_uuid, message, expires_at)
  VALUES ($1::uuid, $2::text, now() + $3::interval)
  RETURNING *
)
SELECT ins.uuid, u.display_name, u.handle, ins.message, ins.replies_count,
       ins.reposts_count, ins.likes_count, ins.reply_to_activity_uuid,
       (date_part('epoch', ins.expires_at) * 1e6)::int8,
       (date_part('epoch', ins.created_at) * 1e6)::int8
FROM ins
JOIN public.users u ON u.uuid = ins.user_uuid
