package org.cmag.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.held.ManualRelease;
import org.cmag.national.JsonFields;
import org.cmag.store.HeldStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manual-release queue over HTTP ({@code /api/v1/held}) and for the dispatcher: list and show held messages (the
 * officer's view includes the flagged text), reject one, make one ready to be sealed ({@code load-held}: the sealing
 * steps then run exactly as for any message), and answer once it is queued. Adapters over {@link ManualRelease}.
 */
public final class HeldMessages {
    private static final Logger LOG = LoggerFactory.getLogger(HeldMessages.class);
    /** Exchange property: the held message id acted on (for the dispatcher's failure step and the audit of a refusal). */
    public static final String HELD_ID = "GwHeldId";


    private final ManualRelease release;
    private final JsonFields json = new JsonFields();

    public HeldMessages(ManualRelease release) {
        this.release = release;
    }

    /** {@code GET /api/v1/held?status=HELD|RELEASING|RELEASED|REJECTED|ALL&limit=N} (default: HELD). */
    public void list(Exchange exchange) {
        Message m = exchange.getMessage();
        String status = m.getHeader("status", "HELD", String.class).toUpperCase(Locale.ROOT);
        if (!Set.of("HELD", "RELEASING", "RELEASED", "REJECTED", "ALL").contains(status)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "status must be HELD, RELEASING, RELEASED, REJECTED or ALL", "status");
        }
        int limit;
        try {
            limit = Integer.parseInt(m.getHeader("limit", "100", String.class));
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "limit must be a whole number", "limit");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (HeldStore.Held h : release.store().list(status.equals("ALL") ? null : status, limit)) {
            out.add(release.json(h, false));
        }
        respond(m, 200, out.toString());
    }

    /** {@code GET /api/v1/held/{id}}: the held message with its findings and the flagged text. */
    public void show(Exchange exchange) {
        Message m = exchange.getMessage();
        respond(m, 200, release.json(release.store().require(m.getHeader("id", String.class)), true).toString());
    }

    /** {@code POST /api/v1/held/{id}/reject} with {@code {"by": NAME, "reason": TEXT}}: never sent. */
    public void reject(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader("id", String.class);
        exchange.setProperty(HELD_ID, id); // a refusal is audited against the message
        JsonNode body = body(m, Set.of("by", "reason"));
        String by = JsonFields.text(body, "", "by", true, 100);
        release.reject(id, by, JsonFields.text(body, "", "reason", true, 1000));
        respond(m, 200, release.json(release.store().require(id), false).toString());
    }

    /** Stage {@code load-held}: {@code POST /api/v1/held/{id}/release} with {@code {"by": NAME, "mode": "as-is"|"mask"}}. */
    public void load(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader("id", String.class);
        exchange.setProperty(HELD_ID, id); // a refusal is audited against the message
        JsonNode body = body(m, Set.of("by", "mode"));
        String by = JsonFields.text(body, "", "by", true, 100);
        String mode = JsonFields.text(body, "", "mode", false, 10);
        if (mode != null && !mode.equals("as-is") && !mode.equals("mask")) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "mode must be as-is or mask", "/mode");
        }
        exchange.setProperty(HELD_ID, id);
        toSeal(exchange, release.prepare(id, HeldStore.HELD, by, "mask".equals(mode) ? HeldStore.Mode.MASK : HeldStore.Mode.AS_IS));
    }

    /** Dispatcher: the ids of releases decided outside the gateway (CLI), to be sealed now. */
    public List<String> approved() {
        return release.store().approvedReleases();
    }

    /** Stage {@code load-approved}: one release decided outside the gateway, made ready to be sealed. */
    public void loadApproved(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setProperty(HELD_ID, id);
        toSeal(exchange, release.prepare(id, HeldStore.RELEASING, null, null));
    }

    /** Dispatcher failure: a permanent one sends the message back to HELD (audited); a temporary one is retried next round. */
    public void releaseFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String id = exchange.getProperty(HELD_ID, String.class);
        if (t instanceof GatewayException g && !g.isTransient()) {
            release.releaseFailed(id, g);
        } else {
            LOG.warn("Approved release of held message {} not sent yet; retrying: {}", id, String.valueOf(t));
        }
    }

    /** Stage {@code respond-released}: 200 with the held message (now RELEASED) and the sealed message's digest. */
    public void released(Exchange exchange) {
        Message m = exchange.getMessage();
        String digest = Flight.outbound(exchange).sealedDigest();
        var out = release.json(release.store().require(exchange.getProperty(HELD_ID, String.class)), false).put("digest", digest);
        respond(m, 200, out.toString());
    }

    private static void toSeal(Exchange exchange, ManualRelease.Prepared p) {
        Message m = exchange.getMessage();
        HeldStore.Held h = p.held();
        m.removeHeaders("*");
        m.setBody(null);
        Flight.startOutbound(exchange).partner(p.partner())
                .identify(h.messageId(), h.caseId(), h.messageType(), h.requestType(), h.legalBasis(), h.purpose())
                .document(p.document()).actor(h.submittedBy()).heldRelease(p.release()).submissionAudited(true)
                .relatedRequestId(h.relatedRequestId()).postponedUntil(h.postponedUntil());
    }

    private JsonNode body(Message m, Set<String> known) {
        return jsonBody(json, m, known);
    }

    /** The request's JSON object with only {@code known} fields; 415 unless it is application/json. */
    static JsonNode jsonBody(JsonFields json, Message m, Set<String> known) {
        String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the officer's decision as application/json");
        }
        byte[] bytes = m.getBody(byte[].class);
        JsonNode body = json.readObject(bytes == null ? new byte[0] : bytes);
        JsonFields.onlyKnown(body, "", known);
        return body;
    }

    static void respond(Message m, int status, String body) {
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
    }
}
