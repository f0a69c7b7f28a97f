package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import java.util.List;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.wco.Unmapped;

/**
 * Stage {@code respond-accepted}: 202 with the message id and case reference once queued and audited, and the
 * list of input elements the translation did not carry (WCO pointers and input paths, no values). As
 * {@code respond-held} for a message the agreement holds for manual release: 202 with status HELD, the findings
 * (pointers and kinds) and the held message's address instead of a digest.
 */
public final class SubmissionAccepted implements Processor {
    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        StringBuilder unmapped = new StringBuilder("[");
        List<?> items = exchange.getProperty(TranslateRequest.UNMAPPED, List.class);
        if (items != null) {
            for (Object o : items) {
                Unmapped u = (Unmapped) o;
                unmapped.append(unmapped.length() > 1 ? "," : "").append("{\"pointer\":").append(quote(u.pointer()))
                        .append(",\"path\":").append(quote(u.inputPath())).append(",\"reason\":").append(quote(u.reason())).append('}');
            }
        }
        unmapped.append(']');
        boolean held = exchange.getProperty(ApplyAgreement.HOLD, false, Boolean.class);
        String json = "{\"messageId\":\"" + id + "\",\"caseId\":\"" + caseId + "\",\"partner\":\"" + partner
                + (held ? "\",\"status\":\"HELD\",\"findings\":" + findings(exchange)
                        : "\",\"status\":\"QUEUED\",\"digest\":\"" + m.getHeader(GatewayHeaders.DIGEST, String.class) + "\"")
                + ",\"unmapped\":" + unmapped + "}";
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Location", (held ? "/api/v1/held/" : "/api/v1/messages/") + id);
        m.setBody(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(s).toString();
    }

    private static String findings(Exchange exchange) {
        StringBuilder sb = new StringBuilder("[");
        for (Object o : exchange.getProperty(ApplyAgreement.HELD_FINDINGS, List.class)) {
            org.cmag.policy.FreeTextGuard.Finding f = (org.cmag.policy.FreeTextGuard.Finding) o;
            sb.append(sb.length() > 1 ? "," : "").append("{\"pointer\":").append(quote(f.pointer())).append(",\"kind\":")
                    .append(quote(f.kind())).append('}');
        }
        return sb.append(']').toString();
    }
}
