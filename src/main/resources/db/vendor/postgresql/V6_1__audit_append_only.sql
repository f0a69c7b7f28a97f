-- PostgreSQL only: audit records and checkpoints are append-only, whoever connects. A row trigger refuses UPDATE and
-- DELETE and a statement trigger refuses TRUNCATE, so even the owner role (which runs the migrations) cannot rewrite
-- the trail without first dropping the trigger - a DDL change that needs the owner's credentials and that the chain
-- and the signed checkpoints expose anyway. The runtime role additionally lacks the privileges (afterMigrate.sql).
CREATE FUNCTION cmag_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cmag: % is append-only, % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION cmag_audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION cmag_audit_append_only();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION cmag_audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION cmag_audit_append_only();
