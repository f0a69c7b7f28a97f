package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.identity.PartnerTokens;
import org.cmag.flow.OutboundMessage;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;

/**
 * Stages {@code attach-partner-token} and {@code refresh-partner-token} of outbound delivery: when the partner's channel
 * requires tokens, the delivery carries {@code Authorization: Bearer} with a cached client-credentials token; when the
 * partner answers 401 to it, {@link #refresh} restores the sealed message with a new token for the one retry. A partner
 * without token auth gets no header and is never retried.
 */
public final class AttachPartnerToken implements Processor {
    /** Exchange property: the one retry after a refused token was made. */
    static final String RETRIED = "GwTokenRetried";

    private final PartnerTokens tokens;

    public AttachPartnerToken(PartnerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void process(Exchange exchange) {
        Partner partner = Flight.outbound(exchange).partner();
        if (!tokens.required(partner.id())) {
            return;
        }
        PartnerTokens.Token token = tokens.token(partner.id());
        exchange.setProperty(GatewayHeaders.PARTNER_TOKEN, token);
        exchange.getMessage().setHeader("Authorization", token.header());
    }

    /**
     * REST channel: whether the partner answered 401 to the token we sent and no retry was made yet. (The SOAP channel's
     * doCatch matches CXF's HTTPException with response code 401 in the route.)
     */
    public boolean refused(Exchange exchange) {
        if (exchange.getProperty(GatewayHeaders.PARTNER_TOKEN) == null || exchange.getProperty(RETRIED) != null) {
            return false;
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return status != null && status == 401;
    }

    /** Stage {@code refresh-partner-token}: a new token and the sealed message again, headers of the refusal cleared. */
    public void refresh(Exchange exchange) {
        OutboundMessage out = Flight.outbound(exchange);
        Partner partner = out.partner();
        PartnerTokens.Token token = tokens.refresh(partner.id(), exchange.getProperty(GatewayHeaders.PARTNER_TOKEN, PartnerTokens.Token.class));
        exchange.setProperty(GatewayHeaders.PARTNER_TOKEN, token);
        exchange.setProperty(RETRIED, Boolean.TRUE);
        exchange.setException(null);
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setBody(out.sealed());
        m.setHeader(Exchange.CONTENT_TYPE, "application/xml");
        m.setHeader("Authorization", token.header());
    }
}
