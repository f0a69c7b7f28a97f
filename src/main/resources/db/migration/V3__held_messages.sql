-- Messages held for manual release (agreement freeText: hold): the translated and minimised exchange message, not
-- yet signed or queued, with what is needed to seal it later and the free-text findings (element pointers and kinds,
-- never the values). Status HELD -> RELEASED or REJECTED; RELEASING = a release decided outside the running gateway
-- (CLI against the database), sealed and queued by the gateway's dispatcher.
-- Portable between H2 (embedded default) and PostgreSQL.
CREATE TABLE held_message (
    message_id          VARCHAR(70)   PRIMARY KEY,
    case_id             VARCHAR(70)   NOT NULL,
    partner_id          VARCHAR(35)   NOT NULL,
    message_type        VARCHAR(40)   NOT NULL,
    request_type        VARCHAR(40),
    legal_basis         VARCHAR(300)  NOT NULL,
    purpose             VARCHAR(600)  NOT NULL,
    related_request_id  VARCHAR(70),
    postponed_until     DATE,
    submitted_by        VARCHAR(100)  NOT NULL,
    findings            TEXT          NOT NULL,
    message_xml         TEXT          NOT NULL,
    status              VARCHAR(20)   NOT NULL,
    held_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_by          VARCHAR(100),
    decided_at          TIMESTAMP WITH TIME ZONE,
    release_mode        VARCHAR(10),
    reason              VARCHAR(2000)
);
CREATE INDEX held_message_status ON held_message (status, held_at);
CREATE INDEX held_message_case ON held_message (case_id);
