package org.cmag.stage;

import org.apache.camel.Exchange;
import org.cmag.identity.PartnerStatus;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;

/**
 * Stages {@code check-partner-active} (before anything is signed for a partner), {@code check-delivery-partner-active}
 * (before a queued message leaves) and {@code check-sender-active} (before an inbound message is queued): an offboarded
 * partner's channels are stopped, with {@code partner_offboarded}, audited like every refusal.
 */
public final class CheckPartnerActive {
    private final PartnerStatus status;

    public CheckPartnerActive(PartnerStatus status) {
        this.status = status;
    }

    /** Sealing: the partner is the exchange's resolved partner. */
    public void outbound(Exchange exchange) {
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        status.requireActive(partner == null ? null : partner.id(), "nothing is signed or sent to it");
    }

    /** Delivery of a message queued before the offboarding: the partner id is on the exchange (prepare-delivery). */
    public void delivery(Exchange exchange) {
        status.requireActive(exchange.getProperty(GatewayHeaders.PARTNER_ID, String.class), "queued message not delivered");
    }

    /** Inbound: the sender named in the envelope (check-envelope). */
    public void inbound(Exchange exchange) {
        status.requireActive(exchange.getMessage().getHeader(GatewayHeaders.PARTNER_ID, String.class), "its messages are not accepted");
    }
}
