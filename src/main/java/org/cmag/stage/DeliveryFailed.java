package org.cmag.stage;

import org.apache.camel.Exchange;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.OutboundStore;

/**
 * Error stage of outbound delivery. A temporary failure is audited as a failed attempt and the message is
 * rolled back onto its queue for the broker's back-off redelivery (and, at the end, its dead-letter
 * queue); a permanent rejection is audited and the message marked FAILED with the reason.
 */
public final class DeliveryFailed {
    private final OutboundStore store;

    public DeliveryFailed(OutboundStore store) {
        this.store = store;
    }

    /** Audits a failed attempt that will be retried. */
    public void attemptFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String code = t instanceof GatewayException g ? g.errorCode().code() : ErrorCode.DELIVERY_FAILED.code();
        store.audit(new AuditEvent("delivery-attempt", AuditEvent.FAILED, "gateway",
                exchange.getProperty(GatewayHeaders.PARTNER_ID, String.class), exchange.getProperty(GatewayHeaders.MESSAGE_ID, String.class),
                exchange.getProperty(GatewayHeaders.CASE_ID, String.class), null, null, null, code, describe(t)));
    }

    /** Marks the message FAILED: the partner refused it or its receipt is not acceptable. */
    public void rejected(Exchange exchange) {
        GatewayException g = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        String id = exchange.getProperty(GatewayHeaders.MESSAGE_ID, String.class);
        store.markFailed(id, AuditEvent.rejected("delivery-failed", "gateway", exchange.getProperty(GatewayHeaders.PARTNER_ID, String.class),
                id, exchange.getProperty(GatewayHeaders.CASE_ID, String.class), g.errorCode().code(), g.detail()));
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
