package org.cmag.exchange;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.security.cert.X509Certificate;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.AuthorityType;
import org.cmag.exchange.v1.ReceiptStatusCode;
import org.cmag.exchange.v1.ReceiptType;
import org.w3c.dom.Document;

/**
 * Signed transport receipts (non-repudiation of receipt): the receiver states that it durably holds the
 * message whose canonical SHA-256 is ReceivedDigest; the sender verifies that statement against the
 * receiver's registered certificate and its own digest.
 */
public final class Receipts {
    private final XmlSecurity security;
    private final ExchangeCodec codec;
    private final SecureXml xml;
    private final Clock clock;

    public Receipts(XmlSecurity security, ExchangeCodec codec, SecureXml xml, Clock clock) {
        this.security = security;
        this.codec = codec;
        this.xml = xml;
        this.clock = clock;
    }

    /** Builds and signs a receipt; returns its serialised form. */
    public String issue(String messageId, String senderId, String senderCountry, String ownId, String ownCountry,
            String digest, OwnKeys own, SecurityProfile profile) {
        ReceiptType r = new ReceiptType();
        r.setId("rcpt-" + messageId);
        r.setMessageID(messageId);
        r.setSender(authority(senderId, senderCountry));
        r.setReceiver(authority(ownId, ownCountry));
        r.setReceivedDigest(digest);
        r.setReceivedAt(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        r.setStatus(ReceiptStatusCode.ACCEPTED);
        Document doc = codec.toDocument(r, xml.newDocument());
        security.sign(doc, own, profile);
        return new String(xml.serialize(doc), StandardCharsets.UTF_8);
    }

    /**
     * Verifies a partner's receipt: signature by the partner's registered key, schema, and that it names the
     * message we sent with the digest we computed.
     */
    public ReceiptType verify(byte[] receiptXml, X509Certificate partnerSigning, SecurityProfile profile,
            String expectedMessageId, String expectedDigest) {
        return verify(receiptXml, org.cmag.crypto.SignerCandidates.of(partnerSigning, clock), profile, expectedMessageId, expectedDigest);
    }

    /** As {@link #verify(byte[], X509Certificate, SecurityProfile, String, String)}, with any of the partner's signing certificates. */
    public ReceiptType verify(byte[] receiptXml, org.cmag.crypto.SignerCandidates partnerSigning, SecurityProfile profile,
            String expectedMessageId, String expectedDigest) {
        try {
            Document doc = xml.parse(receiptXml);
            ReceiptType r = codec.readReceipt(security.verify(doc, partnerSigning, profile));
            if (!expectedMessageId.equals(r.getMessageID())) {
                throw new GatewayException(ErrorCode.RECEIPT_INVALID, "Receipt names message " + r.getMessageID() + ", expected " + expectedMessageId);
            }
            if (!expectedDigest.equals(r.getReceivedDigest())) {
                throw new GatewayException(ErrorCode.RECEIPT_INVALID, "Receipt digest " + r.getReceivedDigest()
                        + " differs from the digest of the message sent " + expectedDigest);
            }
            return r;
        } catch (GatewayException e) {
            if (e.errorCode() == ErrorCode.RECEIPT_INVALID) {
                throw e;
            }
            throw new GatewayException(ErrorCode.RECEIPT_INVALID, "Receipt rejected (" + e.errorCode().code() + "): " + e.detail(), null, e);
        }
    }

    private static AuthorityType authority(String id, String country) {
        AuthorityType a = new AuthorityType();
        a.setAuthorityID(id);
        a.setCountryCode(country);
        return a;
    }
}
