-- retry: safe (a read: sending it again changes nothing)
-- $1 user uuid. The other participant of a conversation whose group row
-- must be written again (healing); no row when unknown.
SELECT uuid, handle, display_name
FROM public.users
WHERE uuid = $1::uuid
