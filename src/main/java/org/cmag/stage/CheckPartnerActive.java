package org.cmag.stage;

import org.apache.camel.Exchange;
import org.cmag.identity.PartnerStatus;

/**
 * Stages {@code check-partner-active} (sealing), {@code check-delivery-partner-active} (delivery of a queued message) and
 * {@code check-sender-active} (the partner door): an offboarded partner gets nothing and is refused
 * ({@code partner_offboarded}).
 */
public final class CheckPartnerActive {
    private final PartnerStatus status;

    public CheckPartnerActive(PartnerStatus status) {
        this.status = status;
    }

    /** Sealing: the partner is the outbound message's resolved partner. */
    public void outbound(Exchange exchange) {
        status.requireActive(Flight.outbound(exchange).partnerId(), "nothing is signed or sent to it");
    }

    /** Delivery of a message queued before the offboarding. */
    public void delivery(Exchange exchange) {
        status.requireActive(Flight.outbound(exchange).partnerId(), "queued message not delivered");
    }

    /** Inbound: the sender named in the envelope (check-envelope). */
    public void inbound(Exchange exchange) {
        status.requireActive(Flight.inbound(exchange).partnerId(), "its messages are not accepted");
    }
}
