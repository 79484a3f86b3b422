-- retry: safe (a second notification only drops cached answers again)
-- $1 the table written ('activities', 'users'). Sent by app/db right after
-- a query whose file says "-- announces: TABLE" committed, on the same
-- connection: the workers LISTENing on cruddur_changes drop what they
-- cached from that table. Its own transaction, which does not wait for
-- its commit to reach the disk: a notification holds the database's
-- notify lock until its commit ends, and nothing here needs to be durable
-- (a server that crashes drops every LISTEN connection, and with them
-- every cache).
SELECT pg_notify('cruddur_changes', $1::text),
       set_config('synchronous_commit', 'off', true)
