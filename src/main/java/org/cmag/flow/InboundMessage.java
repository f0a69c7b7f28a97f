package org.cmag.flow;

import java.util.List;
import org.cmag.error.ErrorCode;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.EvidenceItem;
import org.cmag.store.ReceivedDataRegister;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The inbound message in flight: at the partner door (envelope claims, receipt) and in processing (decrypted, verified,
 * validated, checked, claimed, handed to national systems); and in the national callback. One object per exchange, carried
 * as the one exchange property {@link #PROPERTY}. Until {@code verify} has run, everything in it is a claim of the sender,
 * used only to choose the sender's keys. Camel-free; one exchange at a time.
 */
public final class InboundMessage implements org.cmag.store.AuditSubject {
    /** The exchange property that carries it. */
    public static final String PROPERTY = INBOUND_PROPERTY;

    /** What processing found when it claimed the verified message id. */
    public enum Claim {
        /** First time: everything is recorded now and handed on. */
        NEW,
        /** Recorded before but its hand-over may not have completed (an interrupted or recovered processing): the sends are
         * made again (the broker drops repeats by their duplicate ids), nothing is recorded twice. */
        RESUMED,
        /** Already handed over for good (delivered, refused, dead-lettered): nothing is sent again. */
        DONE
    }

    /** A partner's decision on one of our consent requests, recorded with the claim. */
    public record ConsentDecision(String requestRef, String decision, AuditEvent matched, AuditEvent unmatched) {}

    private String messageId;
    private String digest;
    private String partnerId;
    private Partner partner;
    private byte[] raw;
    private String receipt;
    private boolean retransmission;
    private boolean pending;
    private Document document;
    private Element verified;
    private ExchangeMessageType message;
    private String caseId;
    private String messageType;
    private String requestType;
    private String legalBasis;
    private String purpose;
    private EvidenceItem evidence;
    private String autoRefusal;
    private ErrorCode autoRefusalCode;
    private List<ReceivedDataRegister.Received> receivedData = List.of();
    private AuditEvent receivedDataEvent;
    private ConsentDecision consentDecision;
    private Claim claim;
    private String nationalStatus;
    private byte[] nationalPayload;
    private int generation;
    private int deliveryCount = 1;
    private String skipped;

    /** The envelope's claims at the door (or, in processing, the receipt row's): message id, sender, digest of the bytes. */
    public InboundMessage received(String messageId, String partnerId, String digest, byte[] raw) {
        this.messageId = messageId;
        this.partnerId = partnerId;
        this.digest = digest;
        this.raw = raw;
        return this;
    }

    @Override
    public String messageId() {
        return messageId;
    }

    @Override
    public String auditDigest() {
        return digest;
    }

    /** Canonical SHA-256 of the sealed message as received. */
    public String digest() {
        return digest;
    }

    @Override
    public String partnerId() {
        return partner != null ? partner.id() : partnerId;
    }

    public Partner partner() {
        return partner;
    }

    public InboundMessage partner(Partner p) {
        this.partner = p;
        return this;
    }

    public byte[] raw() {
        return raw;
    }

    /** Our signed receipt: the one issued now, or the stored one a retransmission gets back. */
    public String receipt() {
        return receipt;
    }

    public InboundMessage receipt(String xml) {
        this.receipt = xml;
        return this;
    }

    /** Whether the door already held this message (same id and bytes): it gets the original receipt back. */
    public boolean retransmission() {
        return retransmission;
    }

    public InboundMessage retransmission(boolean b) {
        this.retransmission = b;
        return this;
    }

    /** Whether the door queues the message for processing: the reception whose receipt was stored, and only that one. */
    public boolean pending() {
        return pending;
    }

    public InboundMessage pending(boolean b) {
        this.pending = b;
        return this;
    }

    public Document document() {
        return document;
    }

    public InboundMessage document(Document d) {
        this.document = d;
        return this;
    }

    /** The element the signature covers: the only thing processed after {@code verify}. */
    public Element verified() {
        return verified;
    }

    public InboundMessage verified(Element e) {
        this.verified = e;
        return this;
    }

    public ExchangeMessageType message() {
        return message;
    }

    /** The validated message and what its signed header says. */
    public InboundMessage validated(ExchangeMessageType m, String caseId, String messageType, String requestType, String legalBasis,
            String purpose) {
        this.message = m;
        this.caseId = caseId;
        this.messageType = messageType;
        this.requestType = requestType;
        this.legalBasis = legalBasis;
        this.purpose = purpose;
        return this;
    }

    @Override
    public String caseId() {
        return caseId;
    }

    public String messageType() {
        return messageType;
    }

    public String requestType() {
        return requestType;
    }

    public String legalBasis() {
        return legalBasis;
    }

    public String purpose() {
        return purpose;
    }

    /** The verified signed message kept as evidence with the claim. */
    public EvidenceItem evidence() {
        return evidence;
    }

    public InboundMessage evidence(EvidenceItem e) {
        this.evidence = e;
        return this;
    }

    /** Why the gateway refuses this request itself (outside the agreement), or null. */
    public String autoRefusal() {
        return autoRefusal;
    }

    public ErrorCode autoRefusalCode() {
        return autoRefusalCode;
    }

    public InboundMessage refuse(String reason, ErrorCode code) {
        this.autoRefusal = reason;
        this.autoRefusalCode = code;
        return this;
    }

    public boolean refused() {
        return autoRefusal != null;
    }

    public List<ReceivedDataRegister.Received> receivedData() {
        return receivedData;
    }

    public AuditEvent receivedDataEvent() {
        return receivedDataEvent;
    }

    /** What the message carries of other administrations' declarations (register rows), recorded with the claim. */
    public InboundMessage receivedData(List<ReceivedDataRegister.Received> rows, AuditEvent event) {
        this.receivedData = List.copyOf(rows);
        this.receivedDataEvent = event;
        return this;
    }

    public ConsentDecision consentDecision() {
        return consentDecision;
    }

    public InboundMessage consentDecision(ConsentDecision d) {
        this.consentDecision = d;
        return this;
    }

    public Claim claim() {
        return claim;
    }

    public InboundMessage claim(Claim c) {
        this.claim = c;
        return this;
    }

    /** Whether the claim found the hand-over complete already (nothing is sent again). */
    public boolean done() {
        return claim == Claim.DONE;
    }

    /** The inbound row's status when claimed, or in the national callback. */
    public String nationalStatus() {
        return nationalStatus;
    }

    public InboundMessage nationalStatus(String s) {
        this.nationalStatus = s;
        return this;
    }

    /** What national systems receive: the verified element, serialised. */
    public byte[] nationalPayload() {
        return nationalPayload;
    }

    public InboundMessage nationalPayload(byte[] p) {
        this.nationalPayload = p;
        return this;
    }

    public int generation() {
        return generation;
    }

    public InboundMessage generation(int g) {
        this.generation = g;
        return this;
    }

    /**
     * The broker duplicate id of this message's sends to national systems: the sender and its message id (message ids
     * are the sender's), with the replay generation.
     */
    public String duplicateId() {
        return DuplicateIds.of(partnerId() + ":" + messageId, generation);
    }

    /** The broker duplicate id of this content's queueing for processing: sender, message id and digest of the bytes. */
    public String processingDuplicateId() {
        return DuplicateIds.processing(partnerId(), messageId, digest, generation);
    }

    /**
     * Why this queued copy is not processed (null: it is): the message is settled already, or another copy of it is being
     * processed right now in this gateway (a repeat the broker let through); the copy is consumed, nothing is lost.
     */
    public String skipped() {
        return skipped;
    }

    public InboundMessage skip(String why) {
        this.skipped = why;
        return this;
    }

    /** The broker's count of deliveries of the queued message being processed (1 the first time). */
    public int deliveryCount() {
        return deliveryCount;
    }

    public InboundMessage deliveryCount(int n) {
        this.deliveryCount = n;
        return this;
    }

}
