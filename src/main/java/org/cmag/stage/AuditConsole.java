package org.cmag.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.console.AuditConsoleService;
import org.cmag.identity.Principal;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditSearchParameters;

/**
 * The legal-officer audit API ({@code /api/v1/audit/...}): adapters over {@link AuditConsoleService}. Filters come from
 * the raw query string only; the officer is the verified caller ({@code anonymous} in gateway.auth.mode=none).
 */
public final class AuditConsole {
    private final AuditConsoleService service;

    public AuditConsole(AuditConsoleService service) {
        this.service = service;
    }

    /** {@code GET /api/v1/audit/events}: one page of the search. */
    public void events(Exchange exchange) {
        respond(exchange.getMessage(), "application/json", service.search(officer(exchange), parameters(exchange)));
    }

    /** {@code GET /api/v1/audit/events.csv}: the whole search as CSV. */
    public void csv(Exchange exchange) {
        Message m = exchange.getMessage();
        var body = service.csv(officer(exchange), parameters(exchange));
        respond(m, "text/csv; charset=utf-8", body);
        m.setHeader("Content-Disposition", "attachment; filename=\"audit-events.csv\"");
    }

    /** {@code GET /api/v1/audit/cases/{id}/timeline}. */
    public void timeline(Exchange exchange) {
        respond(exchange.getMessage(), "application/json", service.timeline(officer(exchange), exchange.getMessage().getHeader("id", String.class)));
    }

    /** {@code GET /api/v1/audit/chain}: chain verification status. */
    public void chain(Exchange exchange) {
        respond(exchange.getMessage(), "application/json", service.chain(officer(exchange)));
    }

    /** {@code GET /api/v1/audit/cases/{id}/bundle}: the signed evidence bundle of the case. */
    public void bundle(Exchange exchange) {
        Message m = exchange.getMessage();
        String caseId = m.getHeader("id", String.class);
        byte[] zip = service.bundle(officer(exchange), caseId);
        respond(m, "application/zip", zip);
        m.setHeader("Content-Disposition", "attachment; filename=\"evidence-" + caseId.replaceAll("[^A-Za-z0-9._-]", "_") + ".zip\"");
    }

    private static AuditSearchParameters parameters(Exchange exchange) {
        return AuditSearchParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
    }

    private static String officer(Exchange exchange) {
        Principal caller = exchange.getProperty(GatewayHeaders.CALLER, Principal.class);
        return caller == null ? "anonymous" : caller.officerName();
    }

    private static void respond(Message m, String contentType, Object body) {
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, contentType);
        m.setHeader("Cache-Control", "no-store");
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setBody(body instanceof ObjectNode json ? json.toString().getBytes(StandardCharsets.UTF_8) : body);
    }
}
