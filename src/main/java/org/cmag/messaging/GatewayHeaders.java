package org.cmag.messaging;

/** Header and exchange-property keys the gateway sets itself. Partner-supplied headers are never forwarded. */
public final class GatewayHeaders {
    private GatewayHeaders() {}

    public static final String PARTNER_ID = "GwPartnerId";
    public static final String MESSAGE_ID = "GwMessageId";
    public static final String CASE_ID = "GwCaseId";
    public static final String MESSAGE_TYPE = "GwMessageType";
    public static final String REQUEST_TYPE = "GwRequestType";
    public static final String LEGAL_BASIS = "GwLegalBasis";
    public static final String PURPOSE = "GwPurpose";
    public static final String DIGEST = "GwDigest";
    public static final String CHANNEL = "GwChannel";
    public static final String OUTBOUND_QUEUE = "GwOutboundQueue";
    public static final String DUPLICATE = "GwDuplicate";
    public static final String CLAIM = "GwClaim";
    /** Exchange property: the resolved {@link org.cmag.policy.Partner}. */
    public static final String PARTNER = "GwPartner";
    /** Exchange property: the parsed national request. */
    public static final String NATIONAL_REQUEST = "GwNationalRequest";
    /** Exchange property: the exchange message document being built, signed, sealed. */
    public static final String DOCUMENT = "GwDocument";
    /** Exchange property: the TLS client certificate chain (X509Certificate[], leaf first) the message came with; empty if none. */
    public static final String CLIENT_CERTIFICATES = "GwClientCertificates";
    /** Exchange property: the raw received message text. */
    public static final String RAW = "GwRaw";
    /** Exchange property: the partner encryption certificate chosen by select-recipient-certificate. */
    public static final String RECIPIENT_CERTIFICATE = "GwRecipientCertificate";
    /** Exchange property: the authenticated caller ({@link org.cmag.identity.Principal}); absent in auth mode none. */
    public static final String CALLER = "GwCaller";
    /** Exchange property: the access token presented to the partner on this delivery (never logged). */
    public static final String PARTNER_TOKEN = "GwPartnerToken";
    /** Exchange property: the sealed message being delivered, kept for the one retry after a refused token. */
    public static final String SEALED = "GwSealed";
    /** Exchange property: the {@code org.cmag.store.EvidenceItem} of the signed message (keep-signed-message, keep-verified-message). */
    public static final String EVIDENCE = "GwEvidence";
    /** Artemis duplicate-detection header: the broker drops a second message with the same value. */
    public static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";
}
