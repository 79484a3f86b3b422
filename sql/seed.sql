-- Seed data for development and the tests: three users, a few activities,
-- one of them already expired and one a reply.

INSERT INTO public.users (display_name, handle, email) VALUES
  ('Andrew Brown',  'andrewbrown', 'andrewbrown@example.com'),
  ('Andrew Bayko',  'bayko',       'bayko@example.com'),
  ('Londo Mollari', 'londo',       'londo@example.com');

INSERT INTO public.activities (uuid, user_uuid, message, expires_at, created_at)
SELECT v.uuid::uuid, u.uuid, v.message, now() + v.expires_in::interval,
       now() - v.age::interval
FROM (VALUES
  ('68f126b0-1ceb-4a33-88be-d90fa7109eee', 'andrewbrown',
   'This was imported as seed data!', '10 days', '1 hour'),
  ('0c0ee4f4-6e7e-4b0c-a5a6-2a3f3b0b8c01', 'bayko',
   'Cruddur has expiring posts and private messages.', '3 days', '2 hours'),
  ('2b2f8d3e-8a1e-4b8d-9f0e-4c1d2e3f4a02', 'londo',
   'I am Londo Mollari, and I have seen the future.', '1 day', '3 hours'),
  ('9d4a6c1e-2f3b-4d5e-8f6a-7b8c9d0e1f03', 'londo',
   'This one has already expired.', '-1 hour', '2 days')
) AS v (uuid, handle, message, expires_in, age)
JOIN public.users u ON u.handle = v.handle;

-- A reply from bayko to andrewbrown's post; its parent counts it.
INSERT INTO public.activities (uuid, user_uuid, message, reply_to_activity_uuid,
                               expires_at, created_at)
SELECT '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a804', u.uuid,
       'Welcome aboard, Andrew!', p.uuid, p.expires_at, now() - interval '30 minutes'
FROM public.users u, public.activities p
WHERE u.handle = 'bayko' AND p.uuid = '68f126b0-1ceb-4a33-88be-d90fa7109eee';

UPDATE public.activities SET replies_count = 1
WHERE uuid = '68f126b0-1ceb-4a33-88be-d90fa7109eee';
