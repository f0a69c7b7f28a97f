package org.cmag.messaging;

/**
 * The gateway's own JMS message headers (the wire format between its queues; the message in flight is typed, see
 * {@link org.cmag.flow.OutboundMessage} and {@link org.cmag.flow.InboundMessage}) and the few exchange properties about
 * the HTTP caller. Partner-supplied headers are never forwarded.
 */
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
    /** Exchange property: the TLS client certificate chain (X509Certificate[], leaf first) the message came with; empty if none. */
    public static final String CLIENT_CERTIFICATES = "GwClientCertificates";
    /** Exchange property: the authenticated caller ({@link org.cmag.identity.Principal}); absent in auth mode none. */
    public static final String CALLER = "GwCaller";
    /** Exchange property: the access token presented to the partner on this delivery (never logged). */
    public static final String PARTNER_TOKEN = "GwPartnerToken";
    /** Artemis duplicate-detection header: the broker drops a second message with the same value. */
    public static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";
}
