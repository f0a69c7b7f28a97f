package org.cmag.stage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseJson;
import org.cmag.cases.CaseState;
import org.cmag.cases.CaseStore;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/** National API: {@code GET /api/v1/cases} (filters partner, state, limit) and {@code GET /api/v1/cases/{caseId}} with its timeline. */
public final class CaseQueries {
    private final CaseStore cases;

    public CaseQueries(CaseStore cases) {
        this.cases = cases;
    }

    public void list(Exchange exchange) {
        Message m = exchange.getMessage();
        String partner = m.getHeader("partner", String.class);
        String state = m.getHeader("state", String.class);
        CaseState s = null;
        if (state != null) {
            try {
                s = CaseState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, "state must be one of " + java.util.Arrays.toString(CaseState.values()), "state");
            }
        }
        int limit = 100;
        String l = m.getHeader("limit", String.class);
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, "limit must be a whole number", "limit");
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (AssistanceCase k : cases.list(partner, s, limit)) {
            out.add(CaseJson.summary(k));
        }
        json(m, out.toString());
    }

    public void show(Exchange exchange) {
        Message m = exchange.getMessage();
        String caseId = m.getHeader("caseId", String.class);
        AssistanceCase k = cases.find(caseId).orElseThrow(() -> new GatewayException(ErrorCode.CASE_UNKNOWN, "No case " + caseId, "caseId"));
        json(m, CaseJson.withTimeline(k, cases.timeline(caseId)).toString());
    }

    private static void json(Message m, String body) {
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
    }
}
