package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.PartnerRegistry;

/** Stage {@code resolve-partner}: the partner the national request names must be in the partner registry. */
public final class ResolvePartner implements Processor {
    private final PartnerRegistry registry;

    public ResolvePartner(PartnerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        String id = m.request().partner();
        m.partner(registry.find(id).orElseThrow(() -> new GatewayException(ErrorCode.UNKNOWN_PARTNER,
                "Partner administration '" + id + "' is not in the partner registry", "/partner")));
    }
}
