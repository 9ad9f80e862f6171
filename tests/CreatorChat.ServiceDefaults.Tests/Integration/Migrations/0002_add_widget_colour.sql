ALTER TABLE widgets ADD COLUMN colour text;
-- Deliberately slow, so that replicas starting together really overlap while it runs.
SELECT pg_sleep(0.3);
