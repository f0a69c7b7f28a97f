package org.cmag.error;

/**
 * The one error vocabulary of the gateway. Codes are stable snake_case strings: clients, partners and
 * legal officers key on them, so a code is never renamed or reused for another meaning.
 */
public enum ErrorCode {
    // national submissions (client side)
    MALFORMED_JSON("malformed_json", FaultSide.CLIENT, 400, "The request body is not well-formed JSON"),
    MISSING_FIELD("missing_field", FaultSide.CLIENT, 400, "A required field is missing"),
    INVALID_FIELD("invalid_field", FaultSide.CLIENT, 400, "A field has an invalid value"),
    UNKNOWN_FIELD("unknown_field", FaultSide.CLIENT, 400, "The request contains a field that is not defined"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", FaultSide.CLIENT, 415, "The content type is not accepted here"),
    MESSAGE_TOO_LARGE("message_too_large", FaultSide.CLIENT, 413, "The message exceeds the configured size limit"),
    UNKNOWN_PARTNER("unknown_partner", FaultSide.CLIENT, 422, "The partner administration is not in the partner registry"),
    REQUEST_TYPE_NOT_PERMITTED("request_type_not_permitted", FaultSide.CLIENT, 422, "The agreement does not permit this request type"),
    PURPOSE_NOT_PERMITTED("purpose_not_permitted", FaultSide.CLIENT, 422, "The agreement does not cover this purpose"),
    AGREEMENT_NOT_IN_FORCE("agreement_not_in_force", FaultSide.CLIENT, 422,
            "The agreement with the partner administration is not in force on this date"),
    MESSAGE_TYPE_NOT_PERMITTED("message_type_not_permitted", FaultSide.CLIENT, 422,
            "The agreement does not permit this message type in this direction"),
    LEGAL_BASIS_NOT_PERMITTED("legal_basis_not_permitted", FaultSide.CLIENT, 422, "The agreement does not cover this legal basis"),
    NOT_FOUND("not_found", FaultSide.CLIENT, 404, "No such resource"),
    MANUAL_RELEASE_REQUIRED("manual_release_required", FaultSide.CLIENT, 422,
            "The agreement holds messages whose free text contains personal data for manual release"),
    ONWARD_TRANSFER_NOT_PERMITTED("onward_transfer_not_permitted", FaultSide.CLIENT, 422,
            "The message carries data received from another administration that has not consented to passing it on"),
    HELD_MESSAGE_UNKNOWN("held_message_unknown", FaultSide.CLIENT, 404, "No message with this id is held for manual release"),
    HELD_NOT_PENDING("held_not_pending", FaultSide.CLIENT, 409,
            "The held message was already released or rejected; only a HELD message can be released or rejected"),
    DEAD_LETTER_UNKNOWN("dead_letter_unknown", FaultSide.CLIENT, 404, "No dead letter with this id"),
    DEAD_LETTER_NOT_DEAD("dead_letter_not_dead", FaultSide.CLIENT, 409, "The dead letter was already replayed or its replay requested"),
    CASE_UNKNOWN("case_unknown", FaultSide.CLIENT, 404, "No assistance case with this reference"),
    LEGAL_HOLD_ACTIVE("legal_hold_active", FaultSide.CLIENT, 409, "The case is already on legal hold"),
    LEGAL_HOLD_ABSENT("legal_hold_absent", FaultSide.CLIENT, 409, "The case is not on legal hold"),
    EVIDENCE_NOT_FOUND("evidence_not_found", FaultSide.CLIENT, 404, "No audit records or evidence match the export selection"),
    BUNDLE_INVALID("bundle_invalid", FaultSide.CLIENT, 422, "The evidence bundle does not verify"),
    CASE_CLOSED("case_closed", FaultSide.CLIENT, 409, "The assistance case is closed or withdrawn"),
    CASE_TRANSITION_NOT_ALLOWED("case_transition_not_allowed", FaultSide.CLIENT, 409,
            "The message is not allowed in the current state of the assistance case"),
    CASE_COUNTERPART_MISMATCH("case_counterpart_mismatch", FaultSide.PARTNER, 403,
            "The message comes from an administration that is not this case's counterpart"),
    CASE_WRONG_SIDE("case_wrong_side", FaultSide.CLIENT, 409, "This side of the case cannot send this message"),
    WCO_SCHEMAS_NOT_CONFIGURED("wco_schemas_not_configured", FaultSide.SERVER, 501,
            "WCO DEC-DMS input is not enabled: the operator has not configured the WCO schema set"),

    // messages from partner administrations
    XML_MALFORMED("xml_malformed", FaultSide.PARTNER, 400, "The message is not well-formed XML"),
    XML_FORBIDDEN_CONSTRUCT("xml_forbidden_construct", FaultSide.PARTNER, 400, "The message contains a DTD, entity or other forbidden XML construct"),
    XML_LIMIT_EXCEEDED("xml_limit_exceeded", FaultSide.PARTNER, 400,
            "The message exceeds an XML structure limit (nesting depth, element count, attributes, name or text length)"),
    SCHEMA_INVALID("schema_invalid", FaultSide.PARTNER, 400, "The message does not conform to the exchange schema"),
    HEADER_INVALID("header_invalid", FaultSide.PARTNER, 400, "The message header is missing or incomplete"),
    UNKNOWN_SENDER("unknown_sender", FaultSide.PARTNER, 403, "The sender is not a registered partner administration"),
    WRONG_RECEIVER("wrong_receiver", FaultSide.PARTNER, 400, "The message is addressed to another administration"),
    CLIENT_CERTIFICATE_MISSING("client_certificate_missing", FaultSide.PARTNER, 401,
            "The agreement requires mutual TLS, but the connection presented no client certificate"),
    CLIENT_CERTIFICATE_MISMATCH("client_certificate_mismatch", FaultSide.PARTNER, 403,
            "The TLS client certificate does not belong to the message's sender"),
    SENDER_MISMATCH("sender_mismatch", FaultSide.PARTNER, 403, "The signed header names another sender than the one authenticated"),
    DECRYPTION_FAILED("decryption_failed", FaultSide.PARTNER, 400, "The message body could not be decrypted"),
    ENCRYPTION_MISSING("encryption_missing", FaultSide.PARTNER, 400, "The message body is not encrypted as the agreement requires"),
    SIGNATURE_MISSING("signature_missing", FaultSide.PARTNER, 400, "The message carries no signature"),
    SIGNATURE_INVALID("signature_invalid", FaultSide.PARTNER, 400, "The signature does not verify with the partner's registered certificate"),
    SIGNATURE_STRUCTURE("signature_structure", FaultSide.PARTNER, 400, "The signature does not cover exactly the whole message"),
    ALGORITHM_NOT_ALLOWED("algorithm_not_allowed", FaultSide.PARTNER, 400, "An algorithm is not in the partner's allow-list"),
    CERTIFICATE_EXPIRED("certificate_expired", FaultSide.PARTNER, 400, "The partner's certificate is not valid at this time"),
    CERTIFICATE_NOT_YET_VALID("certificate_not_yet_valid", FaultSide.PARTNER, 400, "The partner's certificate is not yet valid"),
    CERTIFICATE_REVOKED("certificate_revoked", FaultSide.PARTNER, 400, "The partner's certificate has been revoked by its issuer"),
    CERTIFICATE_UNTRUSTED("certificate_untrusted", FaultSide.PARTNER, 400,
            "The certificate is not registered for the partner or does not chain to the partner's trust anchors"),
    REVOCATION_UNAVAILABLE("revocation_unavailable", FaultSide.SERVER, 503,
            "The revocation status of the partner's certificate cannot be established (CRL or OCSP unreachable or stale)"),
    MESSAGE_STALE("message_stale", FaultSide.PARTNER, 400, "The message is outside its validity window (created too long ago, in the future, or expired)"),
    DUPLICATE_CONFLICT("duplicate_conflict", FaultSide.PARTNER, 409, "A different message with the same message id was already received"),
    IDEMPOTENCY_CONFLICT("idempotency_conflict", FaultSide.CLIENT, 409,
            "The Idempotency-Key was already used for a different request"),
    RECEIPT_INVALID("receipt_invalid", FaultSide.PARTNER, 502, "The partner's receipt does not verify or does not match the message"),
    DELIVERY_FAILED("delivery_failed", FaultSide.PARTNER, 502, "The partner's gateway could not be reached or had a temporary failure"),
    DELIVERY_REJECTED("delivery_rejected", FaultSide.PARTNER, 502, "The partner's gateway rejected the message"),

    // partner identities (Keycloak onboarding)
    PARTNER_OFFBOARDED("partner_offboarded", FaultSide.PARTNER, 403,
            "The partner administration has been offboarded: nothing is sent to or accepted from it"),
    PARTNER_NOT_ONBOARDED("partner_not_onboarded", FaultSide.CLIENT, 404,
            "The partner administration has no identity in the realm (run partner onboard first)"),
    IDENTITY_PROVIDER_UNAVAILABLE("identity_provider_unavailable", FaultSide.SERVER, 503,
            "The Keycloak server could not be reached or failed"),
    IDENTITY_ADMIN_REFUSED("identity_admin_refused", FaultSide.SERVER, 500,
            "The Keycloak server refused the admin credentials or the operation (wrong credentials or missing rights)"),
    // access control (gateway.auth.mode=keycloak): who calls, with which roles, acting as which partner
    TOKEN_MISSING("token_missing", FaultSide.CLIENT, 401, "No bearer access token was presented"),
    TOKEN_MALFORMED("token_malformed", FaultSide.CLIENT, 401, "The access token is not a well-formed signed JWT access token"),
    TOKEN_UNSIGNED("token_unsigned", FaultSide.CLIENT, 401, "The access token is not signed (alg none)"),
    TOKEN_SIGNATURE_INVALID("token_signature_invalid", FaultSide.CLIENT, 401,
            "The access token's signature does not verify with a key its issuer publishes, or its algorithm is not accepted"),
    TOKEN_EXPIRED("token_expired", FaultSide.CLIENT, 401, "The access token has expired"),
    TOKEN_NOT_YET_VALID("token_not_yet_valid", FaultSide.CLIENT, 401, "The access token is not valid yet (nbf)"),
    TOKEN_ISSUER_INVALID("token_issuer_invalid", FaultSide.CLIENT, 401, "The access token was issued by an issuer this gateway does not trust"),
    TOKEN_AUDIENCE_INVALID("token_audience_invalid", FaultSide.CLIENT, 401, "The access token is not meant for this gateway (aud)"),
    ROLE_MISSING("role_missing", FaultSide.CLIENT, 403, "The caller's token lacks the role this endpoint requires"),
    PARTNER_MISMATCH("partner_mismatch", FaultSide.PARTNER, 403,
            "The authenticated partner administration is not the Sender the message names"),
    IDENTITY_UNAVAILABLE("identity_unavailable", FaultSide.SERVER, 503, "The token issuer's signing keys cannot be fetched"),
    PARTNER_TOKEN_FAILED("partner_token_failed", FaultSide.PARTNER, 502,
            "No access token could be obtained from the partner's token endpoint"),

    // this gateway
    AUDIT_CHAIN_INVALID("audit_chain_invalid", FaultSide.SERVER, 500,
            "The audit chain or its signed checkpoints do not verify (a record was changed, removed or replaced)"),
    TIMESTAMP_UNAVAILABLE("timestamp_unavailable", FaultSide.SERVER, 503,
            "The time-stamp authority could not be reached or its response did not verify"),
    KEY_MATERIAL("key_material", FaultSide.SERVER, 500, "Key material is missing or unusable"),
    CONFIGURATION("configuration", FaultSide.SERVER, 500, "The gateway configuration is invalid"),
    RECORD_MISSING("record_missing", FaultSide.SERVER, 500,
            "A queued message has no record in the database (it is dead-lettered, not delivered)"),
    STORAGE_UNAVAILABLE("storage_unavailable", FaultSide.SERVER, 503, "Durable storage is not available"),
    STARTING("starting", FaultSide.SERVER, 503, "The gateway is starting and does not serve requests yet"),
    INTERNAL("internal", FaultSide.SERVER, 500, "Internal error");

    private final String code;
    private final FaultSide side;
    private final int httpStatus;
    private final String title;

    ErrorCode(String code, FaultSide side, int httpStatus, String title) {
        this.code = code;
        this.side = side;
        this.httpStatus = httpStatus;
        this.title = title;
    }

    /** The stable wire code, e.g. {@code signature_invalid}. */
    public String code() {
        return code;
    }

    public FaultSide side() {
        return side;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    /**
     * Seconds a caller should wait before sending the same request again ({@code Retry-After}), or 0 when the answer
     * carries none: the gateway is starting, or a store is down (the store probe notices its return within a second).
     */
    public int retryAfterSeconds() {
        return switch (this) {
            case STARTING -> 1;
            case STORAGE_UNAVAILABLE -> 5;
            default -> 0;
        };
    }
}
