-- Alloy's two PostgreSQL roles. Run once, as a superuser, connected to Alloy's database.
-- docker-compose.yml runs it from /docker-entrypoint-initdb.d on first start.
--
--   alloy_owner  owns the tables and applies migrations (ALLOY_MIGRATION_DATABASE_URL).
--                BYPASSRLS lets data migrations see every tenant; it never serves requests.
--   alloy_app    the server's runtime role (ALLOY_DATABASE_URL): not a superuser, no
--                BYPASSRLS, owns nothing, so row-level security always applies to it.
--
-- Change both passwords for anything but local development (ALTER ROLE ... PASSWORD ...).
CREATE ROLE alloy_owner LOGIN BYPASSRLS PASSWORD 'alloy_owner';
CREATE ROLE alloy_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD 'alloy_app';
GRANT CREATE, USAGE ON SCHEMA public TO alloy_owner;
GRANT USAGE ON SCHEMA public TO alloy_app;
ALTER DEFAULT PRIVILEGES FOR ROLE alloy_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO alloy_app;
ALTER DEFAULT PRIVILEGES FOR ROLE alloy_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO alloy_app;
