package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.cases.CaseStore;

/** Response to a national action that only moves the case (nothing is sent): 200 with the case's new state. */
public final class LocalActionDone {
    private final CaseStore cases;

    public LocalActionDone(CaseStore cases) {
        this.cases = cases;
    }

    public void respond(Exchange exchange) {
        Message m = exchange.getMessage();
        String caseId = Flight.outbound(exchange).caseId();
        String state = cases.find(caseId).map(k -> k.state().name()).orElse("UNKNOWN");
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(("{\"caseId\":\"" + caseId + "\",\"state\":\"" + state + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
