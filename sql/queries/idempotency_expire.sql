-- retry: safe (deletes only expired keys: a second run finds fewer)
-- $1 caller uuid, $2 Idempotency-Key. Run before a keyed post stores its
-- key: the caller's expired one goes (its primary key would refuse the new
-- one), and so do at most 100 other expired keys, oldest first, skipping
-- any another post is deleting: each keyed post sweeps a little, so the
-- table holds about IDEM_TTL_S of keys without a job of its own.
WITH mine AS (
  DELETE FROM public.idempotency_keys
  WHERE user_uuid = $1::uuid AND key = $2::text AND expires_at <= now()
)
DELETE FROM public.idempotency_keys
WHERE ctid = ANY (ARRAY(
  SELECT ctid FROM public.idempotency_keys
  WHERE expires_at <= now()
  ORDER BY expires_at
  LIMIT 100
  FOR UPDATE SKIP LOCKED))
