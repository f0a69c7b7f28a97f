package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.messaging.GatewayHeaders;

/** Stage {@code respond-accepted}: 202 with the message id and case reference once queued and audited. */
public final class SubmissionAccepted implements Processor {
    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        String json = "{\"messageId\":\"" + id + "\",\"caseId\":\"" + caseId + "\",\"partner\":\"" + partner
                + "\",\"status\":\"QUEUED\",\"digest\":\"" + m.getHeader(GatewayHeaders.DIGEST, String.class) + "\"}";
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Location", "/api/v1/messages/" + id);
        m.setBody(json.getBytes(StandardCharsets.UTF_8));
    }
}
