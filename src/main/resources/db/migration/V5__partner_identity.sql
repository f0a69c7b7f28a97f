-- Partner identities: which Keycloak client (partner-<ID>) is bound to which partner agreement (policies/partners),
-- created by `partner onboard`. Status ACTIVE -> OFFBOARDED (`partner offboard`; the gateway then refuses everything to
-- and from the partner with partner_offboarded) and back to ACTIVE only by onboarding again. Rows are never deleted:
-- the audit log refers to them. No secrets here: the client secret lives in Keycloak only.
-- Portable between H2 (embedded default) and PostgreSQL.
CREATE TABLE partner_identity (
    partner_id          VARCHAR(35)   PRIMARY KEY,
    client_id           VARCHAR(100)  NOT NULL UNIQUE,
    partner_name        VARCHAR(300)  NOT NULL,
    agreement_id        VARCHAR(100)  NOT NULL,
    agreement_version   VARCHAR(20)   NOT NULL,
    status              VARCHAR(20)   NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by          VARCHAR(100)  NOT NULL,
    secret_rotated_at   TIMESTAMP WITH TIME ZONE,
    offboarded_at       TIMESTAMP WITH TIME ZONE,
    offboarded_by       VARCHAR(100)
);
CREATE INDEX partner_identity_status ON partner_identity (status);
