package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;

/**
 * The national REST callback: the message goes out with {@code Idempotency-Key} = its message id (a national system
 * that sees it twice after a retry must apply it once) and the routing headers; anything but 2xx is retried by the
 * broker with back-off, every attempt audited.
 */
public final class NationalCallback implements Processor {
    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        exchange.setProperty(GatewayHeaders.MESSAGE_ID, id);
        exchange.setProperty(GatewayHeaders.CASE_ID, m.getHeader(GatewayHeaders.CASE_ID, String.class));
        exchange.setProperty(GatewayHeaders.PARTNER_ID, m.getHeader(GatewayHeaders.PARTNER_ID, String.class));
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String type = m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class);
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        byte[] body = m.getBody(byte[].class);
        m.removeHeaders("*");
        m.setHeader("Idempotency-Key", id);
        m.setHeader("X-CMAG-Case-Id", caseId);
        m.setHeader("X-CMAG-Message-Type", type);
        m.setHeader("X-CMAG-Partner", partner);
        m.setHeader(Exchange.CONTENT_TYPE, "application/xml");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setBody(body);
    }

    public void checkResponse(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status < 200 || status >= 300) {
            throw new GatewayException(ErrorCode.DELIVERY_FAILED, "National callback answered HTTP " + status);
        }
    }
}
