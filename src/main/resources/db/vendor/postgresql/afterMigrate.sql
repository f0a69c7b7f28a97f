-- PostgreSQL only, after every migration run (also when nothing was pending): when the gateway runs as a separate
-- runtime role (gateway.db.migration-user set), that role may only read and append audit records and checkpoints;
-- on the one-row chain head it may read and update. Re-asserted at every start, so a grant added by hand (or by
-- default privileges on a later table) does not silently widen it. With one user for both, there is nothing to revoke
-- (an owner can always grant itself back) and the triggers of V6_1 are the protection.
DO $$
BEGIN
    IF '${cmag_runtime_user}' <> current_user THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event, audit_checkpoint FROM %I', '${cmag_runtime_user}');
        EXECUTE format('GRANT SELECT, INSERT ON audit_event, audit_checkpoint TO %I', '${cmag_runtime_user}');
        EXECUTE format('REVOKE INSERT, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_head FROM %I', '${cmag_runtime_user}');
        EXECUTE format('GRANT SELECT, UPDATE ON audit_head TO %I', '${cmag_runtime_user}');
    END IF;
END
$$;
