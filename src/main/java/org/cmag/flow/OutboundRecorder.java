package org.cmag.flow;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseEvent;
import org.cmag.cases.CaseRole;
import org.cmag.cases.CaseStore;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Minimisation;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.EvidenceStore;
import org.cmag.store.HeldStore;
import org.cmag.store.NationalSubmissions;
import org.cmag.store.OutboundStore;
import org.cmag.store.ReceivedDataRegister;

/**
 * The commit point of the outbound flow ({@code record-outbound}): the sealed message (status QUEUED, due now), the case
 * change it causes (a request opens the case), the signed message as evidence, what else the sealing steps found (onward
 * transfers allowed by consent, a consent request being sent, the release claim of a held message, the case's reminder
 * mark), the national system's answer under its Idempotency-Key, and the audit trail - in one transaction. After it
 * commits, the message is durable and recovery sends it even if the process dies before the enqueue.
 */
public final class OutboundRecorder {
    private final Database database;
    private final AuditLog audit;
    private final CaseStore cases;
    private final HeldStore held;
    private final ReceivedDataRegister register;
    private final String queuePrefix;
    private final Clock clock;

    public OutboundRecorder(Database database, AuditLog audit, CaseStore cases, HeldStore held, ReceivedDataRegister register,
            String queuePrefix, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.cases = cases;
        this.held = held;
        this.register = register;
        this.queuePrefix = queuePrefix;
        this.clock = clock;
    }

    /**
     * Records the sealed message and everything that commits with it; sets the partner queue it goes on. A submission whose
     * Idempotency-Key another one took meanwhile records nothing and answers as that one did (or conflicts).
     */
    public void record(OutboundMessage m) {
        Partner partner = m.partner();
        if (m.evidence() == null || !m.messageId().equals(m.evidence().messageId())) {
            throw new GatewayException(ErrorCode.INTERNAL, "The signed message " + m.messageId()
                    + " was not kept as evidence before it was recorded (keep-signed-message)");
        }
        if (m.sealed() == null) {
            throw new GatewayException(ErrorCode.INTERNAL, "The message " + m.messageId() + " was not sealed before it was recorded");
        }
        Instant now = clock.instant();
        String queue = partner.outboundQueue(queuePrefix);
        m.queue(queue);
        m.answer(SubmissionAnswer.json(m));
        List<AuditEvent> events = new ArrayList<>();
        if (!m.submissionAudited()) {
            events.addAll(submissionEvents(m));
        }
        // the audit digest of sealing is the signed message's evidence digest; the sealed (encrypted) bytes' digest is in the detail
        events.add(AuditEvent.ok("message-sealed", "gateway", partner.id(), m.messageId(), m.caseId(),
                partner.security().signature() + " + " + partner.security().content() + "/" + partner.security().keyTransport()
                        + "; sealed sha256 " + m.sealedDigest())
                .withDigest(m.evidence().digest()));
        events.add(AuditEvent.ok("message-queued", "gateway", partner.id(), m.messageId(), m.caseId(), queue));
        String sealed = new String(m.sealed(), java.nio.charset.StandardCharsets.UTF_8);
        OutboundStore.Outbound row = new OutboundStore.Outbound(m.messageId(), m.caseId(), partner.id(), m.messageType(),
                m.requestType(), m.legalBasis(), m.purpose(), m.sealedDigest(), sealed, now, partner.channel().name(),
                OutboundStore.retentionUntil(sealed));
        idempotent(m, () -> database.inTransaction(c -> {
            if (m.heldRelease() != null) {
                OutboundMessage.HeldRelease r = m.heldRelease();
                // first: its row lock serialises concurrent releases of one held message
                held.claimRelease(c, m.messageId(), r.expectedStatus(), r.officer(), r.mode(), r.at(), r.event());
            }
            if (m.submission() != null) {
                NationalSubmissions.insert(c, new NationalSubmissions.Submission(m.submission().idempotencyKey(),
                        m.submission().bodyDigest(), m.messageId(), m.answer()), now);
            }
            OutboundStore.insert(c, row, m.idempotencyKey());
            audit.append(c, events.toArray(AuditEvent[]::new));
            if (CaseEvent.valueOf(m.messageType()) == CaseEvent.ASSISTANCE_REQUEST) {
                cases.open(c, AssistanceCase.opening(m.caseId(), CaseRole.REQUESTING, partner, m.requestType(), m.legalBasis(), m.purpose(),
                        m.messageId(), m.relatedRequestId(), now), "OUT", "national");
            } else {
                cases.apply(c, m.caseId(), CaseEvent.valueOf(m.messageType()), partner.id(), m.messageId(), "OUT", m.actor(), now,
                        m.postponedUntil());
            }
            if (m.reminder()) {
                cases.markReminderSent(c, m.caseId());
            }
            if (!m.onwardTransfers().isEmpty()) {
                audit.append(c, m.onwardTransfers().toArray(AuditEvent[]::new));
            }
            if (m.consentRequest() != null) {
                register.consentRequested(c, m.messageId(), partner.id(), m.consentRequest().recipient(), m.consentRequest().messageRef(),
                        m.caseId(), m.actor(), now);
            }
            EvidenceStore.insert(c, m.evidence());
            return null;
        }));
    }

    /**
     * Runs {@code work}; when it failed because another submission took this one's Idempotency-Key first, answers as that
     * one did (the message built here is dropped, nothing of it was recorded) or conflicts when its body differed.
     */
    void idempotent(OutboundMessage m, Runnable work) {
        try {
            work.run();
        } catch (GatewayException e) {
            if (m.submission() == null || !(e.getCause() instanceof SQLException sql) || !Database.isUniqueViolation(sql)) {
                throw e;
            }
            Optional<NationalSubmissions.Submission> winner = new NationalSubmissions(database).find(m.submission().idempotencyKey());
            if (winner.isEmpty()) {
                throw e;
            }
            m.answer(IdempotentSubmissions.answerFor(winner.get(), m.submission()));
            m.repeatOf(winner.get().messageId());
        }
    }

    /** The audit records of a national submission before sealing: received, translated (what was not carried), policy applied. */
    public static List<AuditEvent> submissionEvents(OutboundMessage m) {
        Partner partner = m.partner();
        String translation = m.unmapped().isEmpty() ? "every input element carried"
                : m.unmapped().size() + " input elements not carried: " + m.unmapped().stream()
                        .map(u -> u.pointer() + " " + u.inputPath()).collect(Collectors.joining("; "));
        return List.of(
                AuditEvent.ok("submission-received", m.actor(), partner.id(), m.messageId(), m.caseId(), m.requestType())
                        .withLegal(m.legalBasis(), m.purpose()),
                AuditEvent.ok("message-translated", "gateway", partner.id(), m.messageId(), m.caseId(), translation),
                AuditEvent.ok("policy-applied", "gateway", partner.id(), m.messageId(), m.caseId(),
                        "agreement " + partner.agreementId() + " v" + partner.agreementVersion() + " sha256 " + partner.policyDigest() + ": "
                                + Minimisation.summary(m.decisions())));
    }
}
