package org.cmag.flow;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cmag.crypto.SecureXml;
import org.cmag.policy.FreeTextGuard;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.HeldStore;
import org.cmag.store.NationalSubmissions;

/**
 * The commit point of a message the agreement holds for manual release ({@code hold-request}, {@code hold-case-message}):
 * the translated, minimised message stored unsigned with what sealing it later needs, its audit trail (submission,
 * translation, policy, {@code held-for-release} with the findings: pointers and kinds, never values) and the national
 * system's answer under its Idempotency-Key, in one transaction. Nothing is signed, queued or sent; no case changes.
 */
public final class HoldRecorder {
    private final Database database;
    private final AuditLog audit;
    private final SecureXml xml;
    private final Clock clock;
    private final OutboundRecorder idempotency;

    public HoldRecorder(Database database, AuditLog audit, SecureXml xml, Clock clock, OutboundRecorder idempotency) {
        this.database = database;
        this.audit = audit;
        this.xml = xml;
        this.clock = clock;
        this.idempotency = idempotency;
    }

    public void hold(OutboundMessage m) {
        Partner partner = m.partner();
        Instant now = clock.instant();
        List<HeldStore.Finding> findings = new ArrayList<>();
        for (FreeTextGuard.Finding f : m.heldFindings()) {
            findings.add(new HeldStore.Finding(f.pointer(), f.element(), f.kind()));
        }
        List<AuditEvent> events = new ArrayList<>(OutboundRecorder.submissionEvents(m));
        events.add(AuditEvent.ok("held-for-release", "gateway", partner.id(), m.messageId(), m.caseId(), "agreement " + partner.agreementId()
                + " holds free text with personal data for manual release; " + HeldStore.describe(findings))
                .withLegal(m.legalBasis(), m.purpose()));
        HeldStore.Held held = HeldStore.Held.of(m.messageId(), m.caseId(), partner.id(), m.messageType(), m.requestType(), m.legalBasis(),
                m.purpose(), m.relatedRequestId(), m.postponedUntil(), m.actor(), findings,
                new String(xml.serialize(m.document()), StandardCharsets.UTF_8), now);
        m.answer(SubmissionAnswer.json(m));
        idempotency.idempotent(m, () -> database.inTransaction(c -> {
            if (m.submission() != null) {
                NationalSubmissions.insert(c, new NationalSubmissions.Submission(m.submission().idempotencyKey(),
                        m.submission().bodyDigest(), m.messageId(), m.answer()), now);
            }
            HeldStore.insert(c, held);
            audit.append(c, events.toArray(AuditEvent[]::new));
            return null;
        }));
        m.document(null);
    }
}
