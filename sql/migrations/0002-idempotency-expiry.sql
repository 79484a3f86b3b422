-- An Idempotency-Key remembers the post it answered, by its fingerprint
-- (request; services/idempotency.h), so the same key with another post is
-- refused, and answers only until expires_at (IDEM_TTL_S, a day, after the
-- post): past it the key is as if never used, and keyed posts delete
-- expired keys as they go (sql/queries/idempotency_expire.sql). Keys kept
-- from before have no fingerprint: they expire a day after their post, and
-- until then a retry of them is refused rather than answered wrongly.
ALTER TABLE public.idempotency_keys
  ADD COLUMN request text NOT NULL DEFAULT '',
  ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now();
UPDATE public.idempotency_keys SET expires_at = created_at + interval '1 day';
ALTER TABLE public.idempotency_keys
  ALTER COLUMN request DROP DEFAULT,
  ALTER COLUMN expires_at DROP DEFAULT;
CREATE INDEX idempotency_keys_expires_idx ON public.idempotency_keys (expires_at);
