-- retry: safe (a read: sending it again changes nothing)
-- $1 the access token's sub. The signed-in caller; no row when the Cognito
-- user has no row here.
SELECT uuid, handle, display_name
FROM public.users
WHERE cognito_user_id = $1::text
