package org.cmag.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.identity.Principal;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.national.JsonFields;
import org.cmag.store.LegalHolds;

/**
 * Legal holds over HTTP ({@code /api/v1/cases/{caseId}/legal-hold}, legal officers): place one ({@code POST} with
 * {@code {"reason": TEXT, "by": NAME}}) or release it ({@code DELETE}, {@code ?by=NAME}). The officer is the
 * authenticated caller; without authentication ({@code gateway.auth.mode=none}) the {@code by} field names them.
 */
public final class LegalHoldApi {
    private final LegalHolds holds;
    private final JsonFields json = new JsonFields();

    public LegalHoldApi(LegalHolds holds) {
        this.holds = holds;
    }

    /** Stage {@code place-legal-hold}: 201 with the hold. */
    public void place(Exchange exchange) {
        Message m = exchange.getMessage();
        JsonNode body = HeldMessages.jsonBody(json, m, Set.of("reason", "by"));
        String reason = JsonFields.text(body, "", "reason", true, 2000);
        String officer = officer(exchange, JsonFields.text(body, "", "by", false, 100));
        HeldMessages.respond(m, 201, json(holds.place(caseId(m), reason, officer)).toString());
    }

    /** Stage {@code release-legal-hold}: 200 with the released hold. */
    public void release(Exchange exchange) {
        Message m = exchange.getMessage();
        String officer = officer(exchange, m.getHeader("by", String.class));
        HeldMessages.respond(m, 200, json(holds.release(caseId(m), officer)).toString());
    }

    private static String caseId(Message m) {
        return m.getHeader("caseId", String.class);
    }

    private static String officer(Exchange exchange, String by) {
        Principal caller = exchange.getProperty(GatewayHeaders.CALLER, Principal.class);
        if (caller != null) {
            return caller.name();
        }
        if (by == null || by.isBlank()) {
            throw new org.cmag.error.GatewayException(org.cmag.error.ErrorCode.MISSING_FIELD,
                    "Name the legal officer in 'by' (the gateway does not authenticate callers: gateway.auth.mode=none)", "/by");
        }
        return by;
    }

    private static ObjectNode json(LegalHolds.Hold h) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("caseId", h.caseId());
        n.put("reason", h.reason());
        n.put("placedBy", h.placedBy());
        n.put("placedAt", h.placedAt().toString());
        n.put("active", h.active());
        if (h.releasedAt() != null) {
            n.put("releasedBy", h.releasedBy());
            n.put("releasedAt", h.releasedAt().toString());
        }
        return n;
    }
}
