-- retry: safe (a read)
-- $1 caller uuid, $2 Idempotency-Key. Answers what the caller's post with
-- that key answered, or no row.
SELECT response
FROM public.idempotency_keys
WHERE user_uuid = $1::uuid AND key = $2::text
