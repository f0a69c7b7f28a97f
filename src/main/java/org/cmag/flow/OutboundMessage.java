package org.cmag.flow;

import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.cmag.national.NationalRequest;
import org.cmag.policy.FreeTextGuard;
import org.cmag.policy.Minimisation;
import org.cmag.policy.Minimiser;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.EvidenceItem;
import org.cmag.store.HeldStore;
import org.cmag.wco.Unmapped;
import org.w3c.dom.Document;

/**
 * The outbound message in flight, from a national submission (or a gateway-generated message, or a released held one)
 * through translation, policy, signing and encryption to its record and its queue; and, on the delivery side, the queued
 * message being delivered. One object per exchange, carried as the one exchange property {@link #PROPERTY}: the stages
 * read and write it instead of string headers (headers are the JMS wire format only). Camel-free; not thread-safe (one
 * exchange at a time).
 */
public final class OutboundMessage implements org.cmag.store.AuditSubject {
    /** The exchange property that carries it. */
    public static final String PROPERTY = OUTBOUND_PROPERTY;

    /** An ONWARD_TRANSFER consent request being sent: recorded with the message (received-data register). */
    public record ConsentRequest(String recipient, String messageRef) {}

    /** The release of a held message: claimed (conditionally, by status) in the transaction that records the sealed message. */
    public record HeldRelease(String expectedStatus, String officer, HeldStore.Mode mode, java.time.Instant at, AuditEvent event) {}

    /** A national submission made with an {@code Idempotency-Key}: a repeat gets the answer recorded with the message. */
    public record Submission(String idempotencyKey, String bodyDigest) {}

    private Partner partner;
    private String messageId;
    private String caseId;
    private String messageType;
    private String requestType;
    private String legalBasis;
    private String purpose;
    private String actor = "national";
    private NationalRequest request;
    private String relatedRequestId;
    private Submission submission;
    private Document document;
    private List<Unmapped> unmapped = List.of();
    private List<Minimiser.Decision> decisions = List.of();
    private List<FreeTextGuard.Finding> heldFindings = List.of();
    private boolean localOnly;
    private LocalDate postponedUntil;
    private X509Certificate recipientCertificate;
    private EvidenceItem evidence;
    private byte[] sealed;
    private String sealedDigest;
    private boolean submissionAudited;
    private final List<AuditEvent> onwardTransfers = new ArrayList<>();
    private ConsentRequest consentRequest;
    private HeldRelease heldRelease;
    private boolean reminder;
    private String answer;
    private String queue;
    private int generation;
    private String repeatOf;
    private String status;
    private int deliveryCount = 1;

    public Partner partner() {
        return partner;
    }

    public OutboundMessage partner(Partner p) {
        this.partner = p;
        return this;
    }

    /** The partner's id (from the resolved partner, or as named before it is resolved). */
    @Override
    public String partnerId() {
        return partner != null ? partner.id() : request != null ? request.partner() : null;
    }

    @Override
    public String messageId() {
        return messageId;
    }

    @Override
    public String auditDigest() {
        return null;
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

    /** Sets what the message is about: its ids, type, the case's request type, legal basis and purpose. */
    public OutboundMessage identify(String messageId, String caseId, String messageType, String requestType, String legalBasis,
            String purpose) {
        this.messageId = messageId;
        this.caseId = caseId;
        this.messageType = messageType;
        this.requestType = requestType;
        this.legalBasis = legalBasis;
        this.purpose = purpose;
        return this;
    }

    /** Sets the case context only (a case message before its message is built). */
    public OutboundMessage onCase(String caseId, String requestType, String legalBasis, String purpose) {
        this.caseId = caseId;
        this.requestType = requestType;
        this.legalBasis = legalBasis;
        this.purpose = purpose;
        return this;
    }

    /** Sets the built message's id and type. */
    public OutboundMessage built(String messageId, String messageType) {
        this.messageId = messageId;
        this.messageType = messageType;
        return this;
    }

    /** Who acts: {@code national}, {@code gateway} (automatic replies) or the officer who released a held message. */
    public String actor() {
        return actor;
    }

    public OutboundMessage actor(String actor) {
        this.actor = actor;
        return this;
    }

    public NationalRequest request() {
        return request;
    }

    public OutboundMessage request(NationalRequest request) {
        this.request = request;
        return this;
    }

    /** The request this one follows up (a national request's relatedRequestId, or a released request's). */
    public String relatedRequestId() {
        return request != null ? request.relatedRequestId() : relatedRequestId;
    }

    public OutboundMessage relatedRequestId(String id) {
        this.relatedRequestId = id;
        return this;
    }

    public Submission submission() {
        return submission;
    }

    public OutboundMessage submission(Submission s) {
        this.submission = s;
        return this;
    }

    /** The exchange message being built, signed and sealed (null once encrypted and serialised). */
    public Document document() {
        return document;
    }

    public OutboundMessage document(Document d) {
        this.document = d;
        return this;
    }

    public List<Unmapped> unmapped() {
        return unmapped;
    }

    public OutboundMessage unmapped(List<Unmapped> u) {
        this.unmapped = List.copyOf(u);
        return this;
    }

    public List<Minimiser.Decision> decisions() {
        return decisions;
    }

    public List<FreeTextGuard.Finding> heldFindings() {
        return heldFindings;
    }

    /** The agreement's minimisation outcome: decisions per field, and findings that hold the message for manual release. */
    public OutboundMessage policy(Minimisation.Outcome outcome) {
        this.decisions = List.copyOf(outcome.decisions());
        this.heldFindings = List.copyOf(outcome.held());
        return this;
    }

    /** Whether the agreement holds this message for manual release (free text with personal data). */
    public boolean hold() {
        return !heldFindings.isEmpty();
    }

    /** Whether a case action was local only (nothing to send). */
    public boolean localOnly() {
        return localOnly;
    }

    public OutboundMessage localOnly(boolean b) {
        this.localOnly = b;
        return this;
    }

    public LocalDate postponedUntil() {
        return postponedUntil;
    }

    public OutboundMessage postponedUntil(LocalDate d) {
        this.postponedUntil = d;
        return this;
    }

    public X509Certificate recipientCertificate() {
        return recipientCertificate;
    }

    public OutboundMessage recipientCertificate(X509Certificate c) {
        this.recipientCertificate = c;
        return this;
    }

    /** The signed message as we signed it, kept as evidence with the record. */
    public EvidenceItem evidence() {
        return evidence;
    }

    public OutboundMessage evidence(EvidenceItem e) {
        this.evidence = e;
        return this;
    }

    /** The sealed (signed, encrypted) message as it goes on the wire. */
    public byte[] sealed() {
        return sealed;
    }

    /** Canonical SHA-256 of the sealed message (what the partner's receipt names). */
    public String sealedDigest() {
        return sealedDigest;
    }

    public OutboundMessage sealed(byte[] bytes, String digest) {
        this.sealed = bytes;
        this.sealedDigest = digest;
        this.document = null;
        return this;
    }

    /** Whether submission, translation and policy were audited already (when the message was held). */
    public boolean submissionAudited() {
        return submissionAudited;
    }

    public OutboundMessage submissionAudited(boolean b) {
        this.submissionAudited = b;
        return this;
    }

    /** Audit records of the onward transfers the check allowed (with consent), committed with the message. */
    public List<AuditEvent> onwardTransfers() {
        return onwardTransfers;
    }

    public ConsentRequest consentRequest() {
        return consentRequest;
    }

    public OutboundMessage consentRequest(ConsentRequest r) {
        this.consentRequest = r;
        return this;
    }

    public HeldRelease heldRelease() {
        return heldRelease;
    }

    public OutboundMessage heldRelease(HeldRelease r) {
        this.heldRelease = r;
        return this;
    }

    /** Whether this is the case's reminder (the case is marked reminded with the record). */
    public boolean reminder() {
        return reminder;
    }

    public OutboundMessage reminder(boolean b) {
        this.reminder = b;
        return this;
    }

    /** The answer given to the national system (JSON), recorded with an idempotent submission. */
    public String answer() {
        return answer;
    }

    public OutboundMessage answer(String json) {
        this.answer = json;
        return this;
    }

    /** The partner's outbound queue. */
    public String queue() {
        return queue;
    }

    public OutboundMessage queue(String q) {
        this.queue = q;
        return this;
    }

    /** How often the message was replayed from the dead letters (part of the broker duplicate id). */
    public int generation() {
        return generation;
    }

    public OutboundMessage generation(int g) {
        this.generation = g;
        return this;
    }

    /** The headers of this message on the partner queue (the wire format between the queues), nulls left out. */
    public java.util.Map<String, String> wireHeaders() {
        return wireHeaders(messageId, caseId, partnerId(), messageType, sealedDigest, legalBasis, purpose);
    }

    /** The headers of a queued outbound message: what delivery reads back ({@code prepare-delivery}), nulls left out. */
    public static java.util.Map<String, String> wireHeaders(String messageId, String caseId, String partnerId, String messageType,
            String sealedDigest, String legalBasis, String purpose) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put(org.cmag.messaging.GatewayHeaders.MESSAGE_ID, messageId);
        h.put(org.cmag.messaging.GatewayHeaders.CASE_ID, caseId);
        h.put(org.cmag.messaging.GatewayHeaders.PARTNER_ID, partnerId);
        h.put(org.cmag.messaging.GatewayHeaders.MESSAGE_TYPE, messageType);
        h.put(org.cmag.messaging.GatewayHeaders.DIGEST, sealedDigest);
        h.put(org.cmag.messaging.GatewayHeaders.LEGAL_BASIS, legalBasis);
        h.put(org.cmag.messaging.GatewayHeaders.PURPOSE, purpose);
        h.values().removeIf(java.util.Objects::isNull);
        return h;
    }

    /** The broker duplicate id of this message's sending: the message id, with the replay generation after a replay. */
    public String duplicateId() {
        return DuplicateIds.of(messageId, generation);
    }

    /** The Idempotency-Key of the national submission, or null. */
    public String idempotencyKey() {
        return submission == null ? null : submission.idempotencyKey();
    }

    /** Whether this submission repeats one recorded under its Idempotency-Key: it gets that one's answer, nothing is sent. */
    public boolean repeat() {
        return repeatOf != null;
    }

    /** The message id of the recorded submission this one repeats. */
    public String repeatOf() {
        return repeatOf;
    }

    public OutboundMessage repeatOf(String messageId) {
        this.repeatOf = messageId;
        return this;
    }

    /** Delivery: the record's status when the queued message was taken (QUEUED: deliver it). */
    public String status() {
        return status;
    }

    public OutboundMessage status(String s) {
        this.status = s;
        return this;
    }

    /** Delivery: whether the record is settled already (delivered, failed, dead-lettered): nothing is sent again. */
    public boolean settled() {
        return status != null && !"QUEUED".equals(status);
    }

    /** Delivery: the broker's count of deliveries of the queued message (1 the first time). */
    public int deliveryCount() {
        return deliveryCount;
    }

    public OutboundMessage deliveryCount(int n) {
        this.deliveryCount = n;
        return this;
    }

}
