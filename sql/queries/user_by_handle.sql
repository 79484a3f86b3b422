-- retry: safe (a read: sending it again changes nothing)
-- $1 handle. The receiver of a new conversation; no row when unknown.
SELECT uuid, handle, display_name
FROM public.users
WHERE handle = $1::text
