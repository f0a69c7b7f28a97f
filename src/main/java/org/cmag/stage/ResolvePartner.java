package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;

/** Stage {@code resolve-partner}: the partner agreement from the registry; an unknown partner is a reject. */
public final class ResolvePartner implements Processor {
    private final PartnerRegistry registry;

    public ResolvePartner(PartnerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getHeader(GatewayHeaders.PARTNER_ID, String.class);
        Partner partner = registry.find(id).orElseThrow(() -> new GatewayException(ErrorCode.UNKNOWN_PARTNER,
                "Partner administration '" + id + "' is not in the partner registry", "/partner"));
        exchange.setProperty(GatewayHeaders.PARTNER, partner);
    }
}
