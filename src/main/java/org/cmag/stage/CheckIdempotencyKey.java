package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.IdempotentSubmissions;
import org.cmag.flow.OutboundMessage;

/**
 * Stage {@code check-idempotency-key}: starts the outbound message in flight. With an {@code Idempotency-Key} header, a
 * repeat of a recorded submission (same key and body) is marked as such and gets the original answer; the same key with
 * another body is {@code idempotency_conflict}; a new one is recorded under the key with its message.
 */
public final class CheckIdempotencyKey implements Processor {
    private final IdempotentSubmissions submissions;

    public CheckIdempotencyKey(IdempotentSubmissions submissions) {
        this.submissions = submissions;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.startOutbound(exchange);
        String key = exchange.getMessage().getHeader("Idempotency-Key", String.class);
        if (key == null) {
            return;
        }
        IdempotentSubmissions.Lookup lookup = submissions.lookup(key, exchange.getMessage().getBody(byte[].class));
        m.submission(lookup.submission());
        if (lookup.originalAnswer() != null) {
            m.answer(lookup.originalAnswer()).repeatOf(key);
        }
    }
}
