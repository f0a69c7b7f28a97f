package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsConstants;
import java.time.Instant;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseEvent;
import org.cmag.cases.CaseRole;
import org.cmag.cases.CaseStore;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.national.NationalRequest;
import org.cmag.store.Database;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.OutboundStore;

/**
 * Stage {@code record-outbound}: the sealed message, the case change it causes (a request opens the case) and its
 * audit trail (submitted, translated, policy applied, sealed) are committed in one transaction before the message is
 * queued for the partner.
 */
public final class RecordOutbound implements Processor {
    private final OutboundStore store;
    private final CaseStore cases;
    private final String queuePrefix;
    private final Clock clock;

    public RecordOutbound(OutboundStore store, CaseStore cases, String queuePrefix, Clock clock) {
        this.store = store;
        this.cases = cases;
        this.queuePrefix = queuePrefix;
        this.clock = clock;
    }

    /** A postponement's date travels in its body; the case keeps it. */
    private static java.time.LocalDate postponedUntil(Exchange exchange) {
        String until = exchange.getProperty(POSTPONED_UNTIL, String.class);
        return until == null ? null : java.time.LocalDate.parse(until);
    }

    /** Exchange property: more database work to commit with the message (a {@code Database.SqlWork}). */
    public static final String ALSO_IN_TRANSACTION = "GwAlsoInTransaction";

    /** Exchange property set by the sealing steps: the PostponedUntil date of a postponement notice. */
    public static final String POSTPONED_UNTIL = "GwPostponedUntil";

    private static final java.util.regex.Pattern RETENTION = java.util.regex.Pattern.compile(
            "<(?:[A-Za-z0-9_.-]+:)?RetentionUntil>(\\d{4}-\\d{2}-\\d{2})");

    /** The RetentionUntil of the signed (never encrypted) header of the sealed message; the purge job removes the payload after it. */
    private static java.time.LocalDate retentionUntil(String sealed) {
        int header = sealed.indexOf("Header");
        int body = sealed.indexOf("Body>");
        java.util.regex.Matcher m = RETENTION.matcher(sealed);
        return header >= 0 && m.find(header) && (body < 0 || m.start() < body) ? java.time.LocalDate.parse(m.group(1)) : null;
    }

    /**
     * Adds database work to the transaction that records the message, after any work already added (a stage before
     * sealing may add its own to an automatic reply's).
     */
    public static void alsoInTransaction(Exchange exchange, Database.SqlWork<?> work) {
        Database.SqlWork<?> before = exchange.getProperty(ALSO_IN_TRANSACTION, Database.SqlWork.class);
        exchange.setProperty(ALSO_IN_TRANSACTION, before == null ? work : (Database.SqlWork<Object>) c -> {
            before.run(c);
            work.run(c);
            return null;
        });
    }

    /**
     * Exchange property: database work ({@code Database.SqlWork}) that must come first in the transaction - the
     * conditional claim of a held message being released, whose row lock serialises concurrent releases.
     */
    public static final String FIRST_IN_TRANSACTION = "GwFirstInTransaction";

    /** Exchange property: true when submission, translation and policy were audited already (when the message was held). */
    public static final String SUBMISSION_AUDITED = "GwSubmissionAudited";

    /** Exchange property: the related request id of a request that is not read from a national request (a released one). */
    public static final String RELATED_REQUEST = "GwRelatedRequest";

    @SuppressWarnings("unchecked")
    private static java.util.List<org.cmag.policy.Minimiser.Decision> decisions(Exchange exchange) {
        java.util.List<org.cmag.policy.Minimiser.Decision> d = exchange.getProperty(ApplyAgreement.DECISIONS, java.util.List.class);
        return d == null ? java.util.List.of() : d;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String legal = m.getHeader(GatewayHeaders.LEGAL_BASIS, String.class);
        String purpose = m.getHeader(GatewayHeaders.PURPOSE, String.class);
        String digest = m.getHeader(GatewayHeaders.DIGEST, String.class);
        String type = m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class);
        String requestType = m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class);
        String sealed = new String(m.getBody(byte[].class), StandardCharsets.UTF_8);
        Instant now = clock.instant();
        NationalRequest request = exchange.getProperty(GatewayHeaders.NATIONAL_REQUEST, NationalRequest.class);
        String related = request == null ? exchange.getProperty(RELATED_REQUEST, String.class) : request.relatedRequestId();
        String actor = exchange.getProperty(AutomaticReplies.ACTOR, "national", String.class);
        Database.SqlWork<Object> caseChange = c -> {
            if (CaseEvent.valueOf(type) == CaseEvent.ASSISTANCE_REQUEST) {
                cases.open(c, AssistanceCase.opening(caseId, CaseRole.REQUESTING, partner, requestType, legal, purpose, id,
                        related, now), "OUT", "national");
            } else {
                cases.apply(c, caseId, CaseEvent.valueOf(type), partner.id(), id, "OUT", actor, now, postponedUntil(exchange));
            }
            Database.SqlWork<?> more = exchange.getProperty(ALSO_IN_TRANSACTION, Database.SqlWork.class);
            if (more != null) {
                more.run(c);
            }
            return null;
        };
        java.util.List<AuditEvent> events = new java.util.ArrayList<>();
        if (!exchange.getProperty(SUBMISSION_AUDITED, false, Boolean.class)) {
            events.addAll(submissionEvents(exchange, partner, actor));
        }
        // the audit digest of sealing is the signed message's evidence digest; the sealed (encrypted) bytes' digest is in the detail
        org.cmag.store.EvidenceItem evidence = exchange.getProperty(GatewayHeaders.EVIDENCE, org.cmag.store.EvidenceItem.class);
        if (evidence == null || !id.equals(evidence.messageId())) {
            throw new org.cmag.error.GatewayException(org.cmag.error.ErrorCode.INTERNAL, "The signed message " + id
                    + " was not kept as evidence before it was recorded (keep-signed-message)");
        }
        events.add(AuditEvent.ok("message-sealed", "gateway", partner.id(), id, caseId,
                partner.security().signature() + " + " + partner.security().content() + "/" + partner.security().keyTransport()
                        + "; sealed sha256 " + digest)
                .withDigest(evidence.digest()));
        events.add(AuditEvent.ok("message-queued", "gateway", partner.id(), id, caseId, partner.outboundQueue(queuePrefix)));
        Database.SqlWork<?> first = exchange.getProperty(FIRST_IN_TRANSACTION, Database.SqlWork.class);
        store.recordSealed(new OutboundStore.Outbound(id, caseId, partner.id(), type, requestType, legal, purpose, digest, sealed,
                now, partner.channel().name(), retentionUntil(sealed)), first == null ? c -> null : first, caseChange,
                events.toArray(AuditEvent[]::new));
        m.setHeader(JmsConstants.JMS_DESTINATION_NAME, partner.outboundQueue(queuePrefix));
    }

    /** The audit records of a national submission before sealing: received, translated (what was not carried), policy applied. */
    static java.util.List<AuditEvent> submissionEvents(Exchange exchange, Partner partner, String actor) {
        Message m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        java.util.List<?> unmapped = exchange.getProperty(TranslateRequest.UNMAPPED, java.util.List.class);
        String translation = unmapped == null || unmapped.isEmpty() ? "every input element carried"
                : unmapped.size() + " input elements not carried: " + unmapped.stream()
                        .map(u -> ((org.cmag.wco.Unmapped) u).pointer() + " " + ((org.cmag.wco.Unmapped) u).inputPath())
                        .collect(java.util.stream.Collectors.joining("; "));
        return java.util.List.of(
                AuditEvent.ok("submission-received", actor, partner.id(), id, caseId, m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class))
                        .withLegal(m.getHeader(GatewayHeaders.LEGAL_BASIS, String.class), m.getHeader(GatewayHeaders.PURPOSE, String.class)),
                AuditEvent.ok("message-translated", "gateway", partner.id(), id, caseId, translation),
                AuditEvent.ok("policy-applied", "gateway", partner.id(), id, caseId,
                        "agreement " + partner.agreementId() + " v" + partner.agreementVersion() + " sha256 " + partner.policyDigest() + ": "
                                + org.cmag.policy.Minimisation.summary(decisions(exchange))));
    }
}
