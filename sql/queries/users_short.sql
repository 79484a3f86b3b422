-- retry: safe (a read: sending it again changes nothing)
-- $1 handle. The public short form of a user; no row when unknown.
SELECT json_build_object('uuid', uuid, 'handle', handle,
                         'display_name', display_name)
FROM public.users
WHERE handle = $1::text
