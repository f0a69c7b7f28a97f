package org.cmag.stage;

import org.apache.camel.Exchange;
import org.cmag.flow.OutboundMessage;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error stage of {@code enqueue}: the broker refused the message after it was recorded. The record is durable, so nothing
 * is lost: the row stays QUEUED (due now) and recovery puts it on its queue once the broker takes messages again. Audited
 * ({@code enqueue-deferred}) and logged in one line; the submission is still accepted.
 */
public final class EnqueueDeferred {
    private static final Logger LOG = LoggerFactory.getLogger(EnqueueDeferred.class);
    private final AuditLog audit;

    public EnqueueDeferred(AuditLog audit) {
        this.audit = audit;
    }

    public void deferred(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OutboundMessage m = Flight.outbound(exchange);
        String reason = t == null ? "unknown" : t.getClass().getSimpleName() + ": " + t.getMessage();
        LOG.warn("message {} to {}: enqueue failed, recorded and left for recovery: {}", m.messageId(), m.partnerId(), reason);
        LOG.debug("enqueue failure of {}", m.messageId(), t);
        try {
            audit.append(new AuditEvent("enqueue-deferred", AuditEvent.FAILED, "gateway", m.partnerId(), m.messageId(), m.caseId(), null,
                    null, null, org.cmag.error.ErrorCode.STORAGE_UNAVAILABLE.code(),
                    "recorded, not yet on " + m.queue() + " (recovery sends it): " + reason));
        } catch (RuntimeException auditFailure) {
            LOG.warn("message {}: enqueue-deferred not audited: {}", m.messageId(), auditFailure.getMessage());
        }
    }
}
