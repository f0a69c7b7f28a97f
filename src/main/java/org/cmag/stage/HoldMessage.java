package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.national.NationalRequest;
import org.cmag.policy.FreeTextGuard;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.HeldStore;
import org.w3c.dom.Document;

/**
 * Stage {@code hold-message}: the agreement holds this message for manual release. The translated and minimised message
 * is stored unsigned with what sealing it later needs; nothing is signed, queued or sent, and no case changes. Audited:
 * submission, translation, policy, and {@code held-for-release} with the findings (pointers and kinds, never values).
 */
public final class HoldMessage implements Processor {
    private final HeldStore store;
    private final SecureXml xml;
    private final Clock clock;

    public HoldMessage(HeldStore store, SecureXml xml, Clock clock) {
        this.store = store;
        this.xml = xml;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String actor = exchange.getProperty(AutomaticReplies.ACTOR, "national", String.class);
        NationalRequest request = exchange.getProperty(GatewayHeaders.NATIONAL_REQUEST, NationalRequest.class);
        String until = exchange.getProperty(RecordOutbound.POSTPONED_UNTIL, String.class);
        List<HeldStore.Finding> findings = new ArrayList<>();
        for (Object o : exchange.getProperty(ApplyAgreement.HELD_FINDINGS, List.class)) {
            FreeTextGuard.Finding f = (FreeTextGuard.Finding) o;
            findings.add(new HeldStore.Finding(f.pointer(), f.element(), f.kind()));
        }
        Document doc = exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class);
        List<AuditEvent> events = new ArrayList<>(RecordOutbound.submissionEvents(exchange, partner, actor));
        events.add(AuditEvent.ok("held-for-release", "gateway", partner.id(), id, caseId, "agreement " + partner.agreementId()
                + " holds free text with personal data for manual release; " + HeldStore.describe(findings))
                .withLegal(m.getHeader(GatewayHeaders.LEGAL_BASIS, String.class), m.getHeader(GatewayHeaders.PURPOSE, String.class)));
        store.hold(HeldStore.Held.of(id, caseId, partner.id(), m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class),
                m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class), m.getHeader(GatewayHeaders.LEGAL_BASIS, String.class),
                m.getHeader(GatewayHeaders.PURPOSE, String.class), request == null ? null : request.relatedRequestId(),
                until == null ? null : java.time.LocalDate.parse(until), actor, findings,
                new String(xml.serialize(doc), StandardCharsets.UTF_8), clock.instant()), events.toArray(AuditEvent[]::new));
        exchange.removeProperty(GatewayHeaders.DOCUMENT);
    }
}
