-- Assistance cases (DESIGN §4): one row per case and side, keyed by the case reference (ConversationID), with the
-- protocol state, the OVERDUE flag and deadlines; every transition kept in order.
CREATE TABLE assistance_case (
    case_id             VARCHAR(70)  PRIMARY KEY,
    role                VARCHAR(12)  NOT NULL,
    partner_id          VARCHAR(35)  NOT NULL,
    request_type        VARCHAR(40)  NOT NULL,
    legal_basis         VARCHAR(300) NOT NULL,
    purpose             VARCHAR(600) NOT NULL,
    request_message_id  VARCHAR(70)  NOT NULL,
    related_request_id  VARCHAR(70),
    state               VARCHAR(30)  NOT NULL,
    overdue             BOOLEAN      NOT NULL,
    due_at              TIMESTAMP WITH TIME ZONE,
    reminder_at         TIMESTAMP WITH TIME ZONE,
    reminder_sent       BOOLEAN      NOT NULL,
    postponed_until     DATE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX assistance_case_due ON assistance_case (overdue, due_at);

CREATE TABLE case_transition (
    case_id      VARCHAR(70)  NOT NULL,
    seq          INT          NOT NULL,
    event        VARCHAR(40)  NOT NULL,
    from_state   VARCHAR(30),
    to_state     VARCHAR(30)  NOT NULL,
    message_id   VARCHAR(70),
    direction    VARCHAR(5)   NOT NULL,
    actor        VARCHAR(100) NOT NULL,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (case_id, seq)
);
