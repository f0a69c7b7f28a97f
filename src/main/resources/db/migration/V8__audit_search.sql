-- Legal-officer search over the audit log (issue 8). Portable between H2 and PostgreSQL. Indexes only: the audit rows and
-- their hash definition are unchanged. Every search pages newest first by seq (keyset: seq < cursor ORDER BY seq DESC),
-- so each filter column is indexed together with seq and a page reads only the rows it returns.
CREATE INDEX audit_event_partner_seq ON audit_event (partner_id, seq);
CREATE INDEX audit_event_type_seq ON audit_event (event_type, seq);
CREATE INDEX audit_event_outcome_seq ON audit_event (outcome, seq);
CREATE INDEX audit_event_error_seq ON audit_event (error_code, seq);
CREATE INDEX audit_event_legal_basis_seq ON audit_event (legal_basis, seq);
CREATE INDEX audit_event_occurred ON audit_event (occurred_at, seq);
-- The message type of a record is that of its message (the audit row has no type column): found by message id in the
-- message tables, and the messages of a case through the case's transitions.
CREATE INDEX outbound_message_type ON outbound_message (message_type, message_id);
CREATE INDEX inbound_message_type ON inbound_message (message_type, message_id);
CREATE INDEX inbound_message_case ON inbound_message (case_id);
CREATE INDEX inbound_rejection_message ON inbound_rejection (message_id);
CREATE INDEX case_transition_message ON case_transition (message_id);
