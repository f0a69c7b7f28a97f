package org.cmag.stage;

import org.apache.camel.Exchange;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.OutboundStore;

/** Error stage of {@code enqueue}: the recorded message is marked FAILED, audited, and the caller gets 503. */
public final class EnqueueFailed {
    private final OutboundStore store;

    public EnqueueFailed(OutboundStore store) {
        this.store = store;
    }

    public void failed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        store.markFailed(id, AuditEvent.rejected("enqueue-failed", "gateway", m.getHeader(GatewayHeaders.PARTNER_ID, String.class), id,
                m.getHeader(GatewayHeaders.CASE_ID, String.class), ErrorCode.STORAGE_UNAVAILABLE.code(), String.valueOf(t)));
        throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "The message could not be queued; nothing was sent. Retry later.", null, t);
    }
}
