package org.cmag.stage;

import org.apache.camel.Exchange;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.OutboundMessage;

/** The message in flight of an exchange: one typed object per direction, in one exchange property. */
final class Flight {
    private Flight() {}

    /** A new outbound message in flight on {@code exchange}. */
    static OutboundMessage startOutbound(Exchange exchange) {
        OutboundMessage m = new OutboundMessage();
        exchange.setProperty(OutboundMessage.PROPERTY, m);
        return m;
    }

    /** The outbound message in flight; a stage that runs without one is wired wrongly. */
    static OutboundMessage outbound(Exchange exchange) {
        OutboundMessage m = exchange.getProperty(OutboundMessage.PROPERTY, OutboundMessage.class);
        if (m == null) {
            throw new GatewayException(ErrorCode.INTERNAL, "No outbound message in flight on route " + exchange.getFromRouteId());
        }
        return m;
    }

    /** A new inbound message in flight on {@code exchange}. */
    static InboundMessage startInbound(Exchange exchange) {
        InboundMessage m = new InboundMessage();
        exchange.setProperty(InboundMessage.PROPERTY, m);
        return m;
    }

    /** The inbound message in flight; a stage that runs without one is wired wrongly. */
    static InboundMessage inbound(Exchange exchange) {
        InboundMessage m = exchange.getProperty(InboundMessage.PROPERTY, InboundMessage.class);
        if (m == null) {
            throw new GatewayException(ErrorCode.INTERNAL, "No inbound message in flight on route " + exchange.getFromRouteId());
        }
        return m;
    }
}
