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
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.protocol.ProtocolMessageBuilder;
import org.cmag.store.AuditEvent;
import org.cmag.store.InboundStore;

/**
 * The gateway's own protocol behaviour on the requested side: an accepted request is acknowledged automatically once
 * it is verified and handed to national systems; a request the agreement does not cover is refused automatically with
 * ground NOT_COVERED_BY_AGREEMENT and never reaches national systems. Replies go through the same sealing route as
 * national answers ({@code direct:outbound-message-seal}). Each acts only while the case is still DELIVERED, so a
 * redelivered request is not answered twice. A gateway-generated message the agreement does not permit now (not in force,
 * or its type not permitted outbound) is withheld: audited as {@code automatic-message-withheld} with the code, never
 * signed or queued, and the processing that triggered it carries on.
 */
public final class AutomaticReplies {
    /** Exchange property: the reason an inbound request is refused automatically. */
    public static final String AUTO_REFUSAL = "GwAutoRefusal";
    /** Exchange property: the {@code ErrorCode} of the automatic refusal, for the audit. */
    public static final String AUTO_REFUSAL_CODE = "GwAutoRefusalCode";
    /** Exchange property: who acts (national / gateway), for the case timeline and audit. */
    public static final String ACTOR = "GwActor";

    private final CaseStore cases;
    private final PartnerRegistry registry;
    private final ProtocolMessageBuilder builder;
    private final ExchangeCodec codec;
    private final SecureXml xml;
    private final InboundStore inbound;
    private final org.cmag.store.AuditLog audit;
    private final Clock clock;
    private volatile ProducerTemplate producer;

    public AutomaticReplies(CaseStore cases, PartnerRegistry registry, ProtocolMessageBuilder builder, ExchangeCodec codec, SecureXml xml,
            InboundStore inbound, org.cmag.store.AuditLog audit, Clock clock) {
        this.audit = audit;
        this.cases = cases;
        this.registry = registry;
        this.builder = builder;
        this.codec = codec;
        this.xml = xml;
        this.inbound = inbound;
        this.clock = clock;
    }

    public void acknowledge(Exchange exchange) throws Exception {
        AssistanceCase k = caseOf(exchange);
        if (k == null || k.state() != CaseState.DELIVERED) {
            return;
        }
        Partner partner = registry.require(k.partnerId(), ErrorCode.UNKNOWN_SENDER);
        seal(exchange, builder.acknowledgement(PrepareCaseMessage.context(k, partner),
                "Received, verified and accepted for processing", null), k, partner);
    }

    public void refuse(Exchange exchange) throws Exception {
        AssistanceCase k = caseOf(exchange);
        String reason = exchange.getProperty(AUTO_REFUSAL, String.class);
        String messageId = exchange.getMessage().getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        ErrorCode code = exchange.getProperty(AUTO_REFUSAL_CODE, ErrorCode.REQUEST_TYPE_NOT_PERMITTED, ErrorCode.class);
        if (k != null && k.state() == CaseState.DELIVERED) {
            Partner partner = registry.require(k.partnerId(), ErrorCode.UNKNOWN_SENDER);
            seal(exchange, builder.automaticRefusal(PrepareCaseMessage.context(k, partner), RefusalGroundCode.NOT_COVERED_BY_AGREEMENT,
                    reason), k, partner);
        }
        inbound.markRefused(messageId, clock.instant(), AuditEvent.rejected("refused-automatically", "gateway",
                exchange.getMessage().getHeader(GatewayHeaders.PARTNER_ID, String.class), messageId,
                exchange.getMessage().getHeader(GatewayHeaders.CASE_ID, String.class), code.code(), reason));
    }

    private AssistanceCase caseOf(Exchange exchange) {
        return cases.find(exchange.getMessage().getHeader(GatewayHeaders.CASE_ID, String.class)).orElse(null);
    }

    private void seal(Exchange trigger, ExchangeMessageType message, AssistanceCase k, Partner partner) throws Exception {
        send(trigger, message, k, partner, null);
    }

    /**
     * Seals and queues a gateway-generated message on a case; {@code alsoInTransaction} runs in the transaction that
     * records it (e.g. marking a reminder sent).
     */
    public void send(Exchange trigger, ExchangeMessageType message, AssistanceCase k, Partner partner,
            org.cmag.store.Database.SqlWork<?> alsoInTransaction) throws Exception {
        String type = message.getHeader().getMessageType().value();
        try {
            org.cmag.policy.AgreementTerms.requireOutbound(partner, type, clock.instant());
        } catch (org.cmag.error.GatewayException refused) {
            AuditEvent withheld = AuditEvent.rejected("automatic-message-withheld", "gateway", partner.id(),
                    message.getHeader().getMessageID(), k.caseId(), refused.errorCode().code(), refused.detail());
            cases.database().inTransaction(c -> {
                audit.append(c, withheld);
                return alsoInTransaction == null ? null : alsoInTransaction.run(c);
            });
            return;
        }
        Exchange out = new DefaultExchange(trigger.getContext());
        if (alsoInTransaction != null) {
            out.setProperty(RecordOutbound.ALSO_IN_TRANSACTION, alsoInTransaction);
        }
        out.setProperty(GatewayHeaders.PARTNER, partner);
        out.setProperty(GatewayHeaders.DOCUMENT, codec.toDocument(message, xml.newDocument()));
        out.setProperty(ACTOR, "gateway");
        var m = out.getMessage();
        m.setHeader(GatewayHeaders.MESSAGE_ID, message.getHeader().getMessageID());
        m.setHeader(GatewayHeaders.CASE_ID, k.caseId());
        m.setHeader(GatewayHeaders.MESSAGE_TYPE, message.getHeader().getMessageType().value());
        m.setHeader(GatewayHeaders.PARTNER_ID, partner.id());
        m.setHeader(GatewayHeaders.REQUEST_TYPE, k.requestType());
        m.setHeader(GatewayHeaders.LEGAL_BASIS, k.legalBasis());
        m.setHeader(GatewayHeaders.PURPOSE, k.purpose());
        producer(trigger).send("direct:outbound-message-seal", out);
        if (out.getException() != null) {
            throw out.getException();
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
