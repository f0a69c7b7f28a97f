-- Onward transfer and retention (DOMAIN.md §8, §10). Portable between H2 and PostgreSQL.

-- The retention date each message's signed header carried (Handling/RetentionUntil); the purge job removes the stored
-- payloads once it has passed and notes when. Digests, ids and the audit trail stay.
ALTER TABLE outbound_message ADD COLUMN retention_until DATE;
ALTER TABLE outbound_message ADD COLUMN purged_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbound_message ALTER COLUMN sealed_xml DROP NOT NULL;
ALTER TABLE inbound_message ADD COLUMN retention_until DATE;
ALTER TABLE inbound_rejection ADD COLUMN purged_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE inbound_rejection ALTER COLUMN raw_message DROP NOT NULL;
CREATE INDEX outbound_message_retention ON outbound_message (retention_until);

-- Received-data register: which declaration references (Declaration/ID, Declaration/FunctionalReferenceID) a verified
-- inbound message handed to national systems carried, from which partner, with the message's handling labels. A row
-- lives until the message's RetentionUntil has passed.
CREATE TABLE received_data (
    message_id       VARCHAR(70)  NOT NULL,
    seq              INT          NOT NULL,
    partner_id       VARCHAR(35)  NOT NULL,
    case_id          VARCHAR(70)  NOT NULL,
    message_type     VARCHAR(40)  NOT NULL,
    pointer          VARCHAR(300) NOT NULL,
    reference        VARCHAR(512) NOT NULL,
    onward_transfer  VARCHAR(40)  NOT NULL,
    retention_until  DATE,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (message_id, seq)
);
CREATE INDEX received_data_reference ON received_data (reference);
CREATE INDEX received_data_retention ON received_data (retention_until);

-- Consents of a supplying administration to pass data it sent (message_ref) on to a recipient administration:
-- EXCHANGE rows follow our ONWARD_TRANSFER ConsentRequest (id = its message id) and the partner's ConsentDecision;
-- MANUAL rows are written consents a legal officer recorded.
CREATE TABLE transfer_consent (
    consent_id           VARCHAR(70)  PRIMARY KEY,
    kind                 VARCHAR(10)  NOT NULL,
    supplier_id          VARCHAR(35)  NOT NULL,
    recipient_id         VARCHAR(256) NOT NULL,
    message_ref          VARCHAR(70)  NOT NULL,
    case_id              VARCHAR(70),
    status               VARCHAR(30)  NOT NULL,
    decision_message_id  VARCHAR(70),
    reference            VARCHAR(300),
    recorded_by          VARCHAR(100) NOT NULL,
    requested_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at           TIMESTAMP WITH TIME ZONE
);
CREATE INDEX transfer_consent_message ON transfer_consent (message_ref);
