-- retry: safe (a read: sending it again changes nothing)
-- The home feed: the newest unexpired top-level activities, newest first.
-- Every activity query answers these columns in this order (the worker
-- writes the JSON: app/db/activity_json.h); times as microseconds since
-- 1970. date_part's float8 holds them exactly enough: at these magnitudes
-- its two roundings stay below 0.25 us, so the cast to int8 recovers the
-- microsecond (numeric extract() is exact too but costs more).
SELECT a.uuid, u.display_name, u.handle, a.message, a.replies_count,
       a.reposts_count, a.likes_count, a.reply_to_activity_uuid,
       (date_part('epoch', a.expires_at) * 1e6)::int8,
       (date_part('epoch', a.created_at) * 1e6)::int8
FROM (
  SELECT *
  FROM public.activities
  WHERE reply_to_activity_uuid IS NULL
    AND expires_at > now()
  ORDER BY created_at DESC
  LIMIT 100
) a
JOIN public.users u ON u.uuid = a.user_uuid
ORDER BY a.created_at DESC
