package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.InboundStore;

/**
 * Error stage of inbound processing: a message that fails decryption, verification, validation or the
 * agreement check is kept whole with its error code, audited, and never reaches national systems.
 */
public final class RejectInbound {
    private final InboundStore store;
    private final Clock clock;

    public RejectInbound(InboundStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void reject(Exchange exchange) {
        GatewayException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        Message m = exchange.getMessage();
        byte[] raw = exchange.getProperty(GatewayHeaders.RAW, byte[].class);
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String digest = m.getHeader(GatewayHeaders.DIGEST, String.class);
        String detail = e.pointer() == null ? e.detail() : e.detail() + " [at " + e.pointer() + "]";
        store.reject(id, partner, digest, e.errorCode().code(), detail, raw == null ? "" : new String(raw, StandardCharsets.UTF_8),
                clock.instant(), AuditEvent.rejected("message-rejected", "gateway", partner, id, null, e.errorCode().code(), detail)
                        .withDigest(digest));
    }
}
