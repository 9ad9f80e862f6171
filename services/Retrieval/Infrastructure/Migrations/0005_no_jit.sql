-- Search's queries are small lookups, but when the planner overestimates one (a creator its statistics do not know yet)
-- Postgres JIT-compiles it for ~4 ms the query itself does not take: at 100k chunks that was half of a search's time in
-- Postgres. Off for every session of this database (a connection-string option would break poolers such as PgBouncer,
-- and Npgsql's reset on returning a connection to its pool would undo a SET). A role that does not own the database
-- cannot change it: then the server's setting stays, and search is only slower.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'JIT stays as configured: this role does not own database %', current_database();
END
$$;
