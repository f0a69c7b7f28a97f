package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseState;
import org.cmag.cases.CaseStore;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.protocol.ProtocolMessageBuilder;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;

/**
 * The gateway's own protocol behaviour on the requested side: an accepted request is acknowledged automatically once
 * it is verified and handed to national systems; a request the agreement does not cover is refused automatically with
 * ground NOT_COVERED_BY_AGREEMENT and never reaches national systems. Replies go through the same sealing route as
 * national answers ({@code direct:outbound-message-seal}), on the inbound processing's transaction. Each acts only while
 * the case is still DELIVERED, so processing redone after a crash does not answer twice (the reply recorded the first time
 * is on its way: recovery sends it if its enqueue was lost). A gateway-generated message the agreement does not permit now
 * (not in force, or its type not permitted outbound) is withheld: audited as {@code automatic-message-withheld} with the
 * code, never signed or queued, and the processing that triggered it carries on.
 */
public final class AutomaticReplies {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AutomaticReplies.class);
    private final CaseStore cases;
    private final PartnerRegistry registry;
    private final ProtocolMessageBuilder builder;
    private final ExchangeCodec codec;
    private final SecureXml xml;
    private final InboundRecorder inbound;
    private final AuditLog audit;
    private final Clock clock;
    private volatile ProducerTemplate producer;

    public AutomaticReplies(CaseStore cases, PartnerRegistry registry, ProtocolMessageBuilder builder, ExchangeCodec codec, SecureXml xml,
            InboundRecorder inbound, AuditLog audit, Clock clock) {
        this.audit = audit;
        this.cases = cases;
        this.registry = registry;
        this.builder = builder;
        this.codec = codec;
        this.xml = xml;
        this.inbound = inbound;
        this.clock = clock;
    }

    /** Stage {@code acknowledge-automatically}. */
    public void acknowledge(Exchange exchange) throws Exception {
        AssistanceCase k = cases.find(Flight.inbound(exchange).caseId()).orElse(null);
        if (k == null || k.state() != CaseState.DELIVERED) {
            return;
        }
        Partner partner = registry.require(k.partnerId(), ErrorCode.UNKNOWN_SENDER);
        send(exchange, builder.acknowledgement(PrepareCaseMessage.context(k, partner), "Received, verified and accepted for processing", null),
                k, partner, false);
    }

    /** Stage {@code refuse-automatically}: the refusal (while the case is DELIVERED) and the request marked REFUSED. */
    public void refuse(Exchange exchange) throws Exception {
        InboundMessage m = Flight.inbound(exchange);
        AssistanceCase k = cases.find(m.caseId()).orElse(null);
        ErrorCode code = m.autoRefusalCode() == null ? ErrorCode.REQUEST_TYPE_NOT_PERMITTED : m.autoRefusalCode();
        if (k != null && k.state() == CaseState.DELIVERED) {
            Partner partner = registry.require(k.partnerId(), ErrorCode.UNKNOWN_SENDER);
            send(exchange, builder.automaticRefusal(PrepareCaseMessage.context(k, partner), RefusalGroundCode.NOT_COVERED_BY_AGREEMENT,
                    m.autoRefusal()), k, partner, false);
        }
        inbound.refused(m.partnerId(), m.messageId(), AuditEvent.rejected("refused-automatically", "gateway", m.partnerId(), m.messageId(), m.caseId(),
                code.code(), m.autoRefusal()));
    }

    /**
     * Seals and queues a gateway-generated message on a case through the sealing route; {@code reminder}: the case's
     * reminder, marked sent in the transaction that records it.
     */
    public void send(Exchange trigger, ExchangeMessageType message, AssistanceCase k, Partner partner, boolean reminder) throws Exception {
        String type = message.getHeader().getMessageType().value();
        try {
            org.cmag.policy.AgreementTerms.requireOutbound(partner, type, clock.instant());
        } catch (org.cmag.error.GatewayException refused) {
            AuditEvent withheld = AuditEvent.rejected("automatic-message-withheld", "gateway", partner.id(),
                    message.getHeader().getMessageID(), k.caseId(), refused.errorCode().code(), refused.detail());
            cases.database().inTransaction(c -> {
                audit.append(c, withheld);
                if (reminder) {
                    cases.markReminderSent(c, k.caseId());
                }
                return null;
            });
            return;
        }
        Exchange out = new DefaultExchange(trigger.getContext());
        out.setProperty(OutboundMessage.PROPERTY, new OutboundMessage().partner(partner).actor("gateway").reminder(reminder)
                .identify(message.getHeader().getMessageID(), k.caseId(), type, k.requestType(), k.legalBasis(), k.purpose())
                .document(codec.toDocument(message, xml.newDocument())));
        producer(trigger).send("direct:outbound-message-seal", out);
        Exception failed = out.getException();
        if (failed instanceof org.cmag.error.GatewayException g && (g.errorCode() == ErrorCode.CASE_TRANSITION_NOT_ALLOWED
                || g.errorCode() == ErrorCode.CASE_CLOSED)) {
            // the case moved on meanwhile (the reply was recorded by processing redone at the same time): nothing was recorded
            LOG.debug("automatic {} on case {} not sent: {}", type, k.caseId(), g.detail());
            return;
        }
        if (failed != null) {
            throw failed;
        }
    }

    private ProducerTemplate producer(Exchange exchange) {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = exchange.getContext().createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }
}
