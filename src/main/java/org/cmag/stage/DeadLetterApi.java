package org.cmag.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.Recovery;
import org.cmag.identity.Principal;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.national.JsonFields;
import org.cmag.store.DeadLetterStore;

/**
 * The admin API of dead letters ({@code /api/v1/admin/dead-letters}, role gateway-admin): list, show one whole, replay one
 * (put back on its queue, audited with who asked).
 */
public final class DeadLetterApi {
    /** Exchange property: the dead letter acted on (for the audit of a refusal). */
    public static final String DEAD_LETTER_ID = "GwDeadLetterId";

    private final DeadLetters deadLetters;
    private final JsonFields json = new JsonFields();

    public DeadLetterApi(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** {@code GET ?state=DEAD|REPLAY_REQUESTED|REPLAYED|ALL&limit=N} (default DEAD). */
    public void list(Exchange exchange) {
        Message m = exchange.getMessage();
        String state = m.getHeader("state", DeadLetterStore.DEAD, String.class).toUpperCase(Locale.ROOT);
        if (!Set.of(DeadLetterStore.DEAD, DeadLetterStore.REPLAY_REQUESTED, DeadLetterStore.REPLAYED, "ALL").contains(state)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "state must be DEAD, REPLAY_REQUESTED, REPLAYED or ALL", "state");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (DeadLetterStore.DeadLetter d : deadLetters.list("ALL".equals(state) ? null : state, limit(m))) {
            out.add(DeadLetters.json(d, false));
        }
        HeldMessages.respond(m, 200, out.toString());
    }

    /** {@code GET /{id}}: the dead letter with its headers and body. */
    public void show(Exchange exchange) {
        Message m = exchange.getMessage();
        HeldMessages.respond(m, 200, DeadLetters.json(deadLetters.require(id(exchange)), true).toString());
    }

    /** Stage {@code replay-dead-letter}: {@code POST /{id}/replay} with {@code {"by": NAME}}; the body becomes the resend. */
    public void replay(Exchange exchange) {
        Message m = exchange.getMessage();
        long id = id(exchange);
        JsonNode body = HeldMessages.jsonBody(json, m, Set.of("by"));
        Principal caller = exchange.getProperty(GatewayHeaders.CALLER, Principal.class);
        String by = caller != null ? caller.name() : JsonFields.text(body, "", "by", true, 100);
        Recovery.Resend r = deadLetters.replay(id, by);
        exchange.setProperty(RecoverPending.RESEND, r);
        RecoverPending.wire(m, r);
    }

    /** Stage {@code respond-replayed}: 200 with the dead letter as it is now (REPLAYED). */
    public void replayed(Exchange exchange) {
        HeldMessages.respond(exchange.getMessage(), 200, DeadLetters.json(deadLetters.require(
                exchange.getProperty(DEAD_LETTER_ID, Long.class)), false).toString());
    }

    private static long id(Exchange exchange) {
        String raw = exchange.getMessage().getHeader("id", String.class);
        try {
            long id = Long.parseLong(raw);
            exchange.setProperty(DEAD_LETTER_ID, id);
            return id;
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "The dead letter id must be a number, not '" + raw + "'", "id");
        }
    }

    private static int limit(Message m) {
        try {
            int n = Integer.parseInt(m.getHeader("limit", "100", String.class));
            if (n < 1 || n > 10_000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "limit must be a whole number from 1 to 10000", "limit");
        }
    }
}
