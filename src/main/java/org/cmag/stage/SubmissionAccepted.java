package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.flow.OutboundMessage;
import org.cmag.flow.SubmissionAnswer;

/**
 * Stages {@code respond-accepted}, {@code respond-held} and {@code respond-*-repeat}: 202 with the answer recorded with the
 * message ({@link SubmissionAnswer}: message id, case reference, QUEUED with the digest or HELD with the findings, what the
 * translation did not carry). A repeat under an Idempotency-Key gets exactly the answer the first submission got.
 */
public final class SubmissionAccepted implements Processor {
    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        String answer = m.answer() != null ? m.answer() : SubmissionAnswer.json(m);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        String id = m.repeat() ? messageIdOf(answer) : m.messageId();
        if (id != null) {
            out.setHeader("Location", (answer.contains("\"status\":\"HELD\"") ? "/api/v1/held/" : "/api/v1/messages/") + id);
        }
        out.setBody(answer.getBytes(StandardCharsets.UTF_8));
    }

    private static String messageIdOf(String answer) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"messageId\":\"([^\"]+)\"").matcher(answer);
        return matcher.find() ? matcher.group(1) : null;
    }
}
