-- CMAG on PostgreSQL: least-privilege roles for the audit trail (README "Audit trail").
-- Run once, as a superuser, in the gateway's database, before the gateway first starts:
--   psql -d cmag -v owner_password='...' -v gateway_password='...' -f config/postgresql/roles.sql
-- then configure the gateway with
--   gateway.db.url=jdbc:postgresql://HOST:5432/cmag?currentSchema=cmag
--   gateway.db.user=cmag_gateway            gateway.db.password={{env:CMAG_DB_PASSWORD}}
--   gateway.db.migration-user=cmag_owner    gateway.db.migration-password={{env:CMAG_DB_OWNER_PASSWORD}}
--
-- cmag_owner owns the schema and runs the Flyway migrations, which install append-only triggers on audit_event and
-- audit_checkpoint (even cmag_owner's UPDATE, DELETE and TRUNCATE are refused) and, after every migration run,
-- leave cmag_gateway only SELECT and INSERT on those tables and SELECT and UPDATE on the one-row audit_head.
-- cmag_gateway is what the running gateway uses: it reads and writes the business tables, appends to the audit
-- trail, and can neither change audit rows nor alter the schema. Keep cmag_owner's password offline.

CREATE ROLE cmag_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE cmag_gateway LOGIN PASSWORD :'gateway_password';

CREATE SCHEMA cmag AUTHORIZATION cmag_owner;
REVOKE ALL ON SCHEMA cmag FROM PUBLIC;
GRANT USAGE ON SCHEMA cmag TO cmag_gateway;

-- every table and sequence cmag_owner creates in the schema is usable by the gateway; the audit tables are then
-- narrowed by the migration (db/vendor/postgresql/afterMigrate.sql)
ALTER DEFAULT PRIVILEGES FOR ROLE cmag_owner IN SCHEMA cmag GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cmag_gateway;
ALTER DEFAULT PRIVILEGES FOR ROLE cmag_owner IN SCHEMA cmag GRANT USAGE, SELECT ON SEQUENCES TO cmag_gateway;
