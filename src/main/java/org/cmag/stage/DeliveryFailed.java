package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.DeliveryAttempts;
import org.cmag.flow.OutboundMessage;
import org.cmag.messaging.RedeliveryPolicy;
import org.cmag.store.AuditEvent;
import org.cmag.store.DeadLetterStore;
import org.cmag.store.OutboundStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error stages of outbound delivery. A temporary failure is one failed attempt: explained on the message's row and in the
 * audit trail, logged in one line (message, partner, attempt n of max, next retry, code; the stack trace at DEBUG), and
 * the message is rolled back onto its queue for the broker's back-off redelivery; at its last attempt it is taken off as a
 * dead letter with the reason instead. A permanent rejection by the partner is audited and the message marked FAILED.
 */
public final class DeliveryFailed {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailed.class);

    private final OutboundStore store;
    private final DeliveryAttempts attempts;
    private final RedeliveryPolicy policy;

    public DeliveryFailed(OutboundStore store, DeliveryAttempts attempts, RedeliveryPolicy policy) {
        this.store = store;
        this.attempts = attempts;
        this.policy = policy;
    }

    /** Stage {@code audit-failed-attempt}: one failed attempt; at the last one, the dead letter. */
    public void attemptFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OutboundMessage m = exchange.getProperty(OutboundMessage.PROPERTY, OutboundMessage.class);
        String code = t instanceof GatewayException g ? g.errorCode().code() : ErrorCode.DELIVERY_FAILED.code();
        if (m == null || m.messageId() == null) {
            LOG.warn("delivery of a queued message failed before it was read [{}]: {}", code, describe(t));
            LOG.debug("delivery failure", t);
            return;
        }
        DeliveryAttempts.Outcome o = attempts.failed(DeliveryAttempts.Kind.OUTBOUND, m.partnerId(), m.messageId(), m.queue(), policy.forQueue(m.queue()),
                m.deliveryCount(), code, describe(t), DeadLetters.headersJson(m.wireHeaders()),
                m.sealed() == null ? null : new String(m.sealed(), StandardCharsets.UTF_8));
        LOG.warn("message {} to {}: delivery {} [{}]: {}", m.messageId(), m.partnerId(), o.describe(), code, describe(t));
        LOG.debug("delivery failure of {}", m.messageId(), t);
    }

    /** For the error handler: whether this failure is the message's last attempt (then it is dead-lettered, not rolled back). */
    public boolean lastAttempt(Exchange exchange) {
        OutboundMessage m = exchange.getProperty(OutboundMessage.PROPERTY, OutboundMessage.class);
        return m != null && m.queue() != null
                && attempts.isLast(DeliveryAttempts.Kind.OUTBOUND, m.partnerId(), m.messageId(), policy.forQueue(m.queue()), m.deliveryCount());
    }

    /**
     * Stage {@code mark-delivery-failed}: the partner refused the message or its receipt is not acceptable - FAILED with the
     * reason; a queued message without its record is dead-lettered ({@code record_missing}).
     */
    public void rejected(Exchange exchange) {
        GatewayException g = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        OutboundMessage m = Flight.outbound(exchange);
        LOG.warn("message {} to {}: not delivered [{}]: {}", m.messageId(), m.partnerId(), g.errorCode().code(), g.detail());
        if (g.errorCode() == ErrorCode.RECORD_MISSING) {
            java.time.Instant now = java.time.Instant.now();
            attempts.deadLetter(DeadLetterStore.DeadLetter.of(m.queue(), m.messageId(), m.partnerId(), m.caseId(), g.errorCode().code(),
                    m.deliveryCount(), now, now, g.detail(), now, DeadLetters.headersJson(m.wireHeaders()),
                    m.sealed() == null ? null : new String(m.sealed(), StandardCharsets.UTF_8)));
            return;
        }
        store.markFailed(m.messageId(), AuditEvent.rejected("delivery-failed", "gateway", m.partnerId(), m.messageId(), m.caseId(),
                g.errorCode().code(), g.detail()));
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        String msg = t instanceof GatewayException g ? g.detail() : t.getMessage();
        return (t instanceof GatewayException ? "" : t.getClass().getSimpleName() + ": ") + (msg == null ? "" : msg.replace('\n', ' '));
    }
}
