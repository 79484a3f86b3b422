-- retry: safe (a read)
-- $1 caller uuid, $2 Idempotency-Key. The fingerprint of the caller's post
-- with that key and the answer it got, or no row (none, or expired).
SELECT request, response
FROM public.idempotency_keys
WHERE user_uuid = $1::uuid AND key = $2::text AND expires_at > now()
