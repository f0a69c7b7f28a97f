package org.cmag.stage;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.Exchange;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.DeliveryAttempts;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.messaging.RedeliveryPolicy;
import org.cmag.store.DeadLetterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error stages of inbound processing. A message that fails decryption, verification, validation or the agreement check is
 * kept whole with its error code, audited, and never reaches national systems ({@code reject-inbound-message}); a queued id
 * without its record is dead-lettered ({@code record_missing}). An infrastructure failure (storage) is one failed attempt,
 * logged in one line and rolled back for the broker's redelivery; at the last attempt the queue allows, the message is
 * taken off as a dead letter with the reason ({@code processing-attempt-failed}).
 */
public final class RejectInbound {
    private static final Logger LOG = LoggerFactory.getLogger(RejectInbound.class);

    private final InboundRecorder recorder;
    private final DeliveryAttempts attempts;
    private final RedeliveryPolicy.Settings settings;
    private final String queue;
    private final Clock clock;

    public RejectInbound(InboundRecorder recorder, DeliveryAttempts attempts, RedeliveryPolicy.Settings settings, String queue, Clock clock) {
        this.recorder = recorder;
        this.attempts = attempts;
        this.settings = settings;
        this.queue = queue;
        this.clock = clock;
    }

    public void reject(Exchange exchange) {
        GatewayException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        InboundMessage m = Flight.inbound(exchange);
        String detail = e.pointer() == null ? e.detail() : e.detail() + " [at " + e.pointer() + "]";
        if (e.errorCode() == ErrorCode.RECORD_MISSING) {
            LOG.warn("inbound message {}: not processed [{}]: {}", m.messageId(), e.errorCode().code(), detail);
            deadLetter(m, e.errorCode().code(), detail);
            return;
        }
        recorder.reject(m, e.errorCode().code(), detail);
    }

    /** Stage {@code processing-attempt-failed}: an infrastructure failure; at the last attempt, the dead letter. */
    public void attemptFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        InboundMessage m = exchange.getProperty(InboundMessage.PROPERTY, InboundMessage.class);
        String code = t instanceof GatewayException g ? g.errorCode().code() : ErrorCode.INTERNAL.code();
        String id = m == null ? exchange.getMessage().getHeader(GatewayHeaders.MESSAGE_ID, String.class) : m.messageId();
        int attempt = m == null ? 1 : m.deliveryCount();
        boolean last = settings.exhaustedAt(attempt);
        LOG.warn("inbound message {} from {}: processing attempt {} of {} failed, {} [{}]: {}", id, m == null ? null : m.partnerId(), attempt,
                settings.maxAttempts(), last ? "dead-lettered" : "next retry in ~" + settings.delayAfter(attempt).toSeconds() + "s", code,
                DeliveryFailed.describe(t));
        LOG.debug("processing failure of {}", id, t);
        if (last && m != null) {
            deadLetter(m, code, DeliveryFailed.describe(t));
        }
    }

    /** For the error handler: whether this failure is the message's last attempt (then it is dead-lettered, not rolled back). */
    public boolean lastAttempt(Exchange exchange) {
        InboundMessage m = exchange.getProperty(InboundMessage.PROPERTY, InboundMessage.class);
        return m != null && m.messageId() != null && settings.exhaustedAt(m.deliveryCount());
    }

    /** What the processing queue carries for a received content (kept with its dead letter, for a replay). */
    private static Map<String, String> processingHeaders(InboundMessage m) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put(GatewayHeaders.MESSAGE_ID, m.messageId());
        h.put(GatewayHeaders.PARTNER_ID, m.partnerId());
        h.put(GatewayHeaders.DIGEST, m.digest());
        h.values().removeIf(java.util.Objects::isNull);
        return h;
    }

    private void deadLetter(InboundMessage m, String code, String detail) {
        Instant now = clock.instant();
        attempts.deadLetter(DeadLetterStore.DeadLetter.of(queue, m.messageId(), m.partnerId(), m.caseId(), code, m.deliveryCount(), null, now,
                detail, now, DeadLetters.headersJson(processingHeaders(m)),
                m.messageId()));
    }
}
