package org.cmag.store;

/**
 * What an audit record of a refusal is about: the message in flight of an exchange (inbound or outbound), read by the
 * fault mapper from one of {@link #PROPERTIES}.
 */
public interface AuditSubject {
    /** The exchange properties that may carry the message in flight: inbound first, then outbound. */
    String INBOUND_PROPERTY = "GwInbound";
    String OUTBOUND_PROPERTY = "GwOutbound";

    String partnerId();

    String messageId();

    String caseId();

    /** The digest an audit record of it carries (of the received message; null when there is none yet). */
    String auditDigest();
}
