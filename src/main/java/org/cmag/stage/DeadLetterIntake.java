package org.cmag.stage;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.DeliveryAttempts;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.DeadLetterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code take-dead-letter}: a message the broker dead-lettered itself (its queue's attempts were exhausted without
 * the gateway's own dead-lettering - a national consumer that kept rolling back, processing that failed while the
 * database was down) is taken from {@code gw.dlq} into the gateway's dead letters with the reason
 * {@code broker_dead_lettered}, its original queue and delivery count, and audited; the rows that know it are marked
 * DEAD_LETTERED.
 */
public final class DeadLetterIntake implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterIntake.class);
    public static final String REASON = "broker_dead_lettered";

    private final DeliveryAttempts attempts;
    private final Clock clock;

    public DeadLetterIntake(DeliveryAttempts attempts, Clock clock) {
        this.attempts = attempts;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String queue = m.getHeader("_AMQ_ORIG_QUEUE", m.getHeader("_AMQ_ORIG_ADDRESS", "unknown", String.class), String.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        if (id == null) {
            id = m.getHeader("JMSMessageID", "unknown", String.class);
        }
        Integer count = m.getHeader("JMSXDeliveryCount", Integer.class);
        Map<String, String> headers = new LinkedHashMap<>();
        m.getHeaders().forEach((k, v) -> {
            if (k.startsWith("Gw") && v != null) {
                headers.put(k, v.toString());
            }
        });
        Instant now = clock.instant();
        attempts.deadLetter(DeadLetterStore.DeadLetter.of(queue, id, headers.get(GatewayHeaders.PARTNER_ID), headers.get(GatewayHeaders.CASE_ID),
                REASON, count == null ? 0 : count, null, now, "the broker dead-lettered it after its delivery attempts on " + queue, now,
                DeadLetters.headersJson(headers), m.getBody(String.class)));
        LOG.warn("message {} on {}: dead-lettered by the broker, kept as a dead letter", id, queue);
    }
}
