package org.cmag.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.Recovery;
import org.cmag.messaging.GatewayHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages of the route {@code admin-recovery}: {@code find-pending} lists what {@link Recovery} finds on its way but not
 * progressing (everything the previous run left, on the first pass after start-up) and the dead-letter replays requested
 * on the database; {@code prepare-resend} puts one on the wire (its queue, duplicate id, headers, body);
 * {@code audit-resend} records it.
 */
public final class RecoverPending {
    private static final Logger LOG = LoggerFactory.getLogger(RecoverPending.class);
    /** Exchange property of the split: the resend in hand. */
    public static final String RESEND = "GwResend";

    private final Recovery recovery;
    private final DeadLetters deadLetters;
    private final AtomicBoolean firstPass = new AtomicBoolean(true);

    public RecoverPending(Recovery recovery, DeadLetters deadLetters) {
        this.recovery = recovery;
        this.deadLetters = deadLetters;
    }

    /** Stage {@code find-pending}: the body becomes the list of resends. */
    public List<Recovery.Resend> pending() {
        // the start-up pass (everything the previous process left) until one pass succeeded
        boolean startup = firstPass.get();
        List<Recovery.Resend> out = new ArrayList<>(recovery.pending(startup));
        firstPass.set(false);
        for (long id : deadLetters.store().replayRequested()) {
            out.add(deadLetters.replay(id, null));
        }
        if (!out.isEmpty()) {
            LOG.info("recovery{}: {} message(s) to send again", startup ? " after start-up" : "", out.size());
        }
        return out;
    }

    /** Stage {@code prepare-resend}: the resend in the split's body on the wire. */
    public void prepare(Exchange exchange) {
        Recovery.Resend r = exchange.getMessage().getBody(Recovery.Resend.class);
        exchange.setProperty(RESEND, r);
        wire(exchange.getMessage(), r);
    }

    /** Puts {@code r} on the exchange's message: its headers, duplicate id, destination queue and body. */
    static void wire(Message m, Recovery.Resend r) {
        m.removeHeaders("*");
        r.headers().forEach(m::setHeader);
        m.setHeader(GatewayHeaders.ARTEMIS_DUPLICATE_ID, r.duplicateId());
        m.setHeader(JmsConstants.JMS_DESTINATION_NAME, r.queue());
        m.setBody(r.body());
    }

    /** Stage {@code audit-resend}: a recovery resend is audited (a replay was audited when it was decided). */
    public void requeued(Exchange exchange) {
        Recovery.Resend r = exchange.getProperty(RESEND, Recovery.Resend.class);
        if (r.table() != null) {
            recovery.requeued(r);
        }
    }

    /** Error stage of a whole pass (the database or the broker is away): logged in one line; the next pass tries again. */
    public void passFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("recovery pass not done (next pass retries): {}", DeliveryFailed.describe(t));
    }

    /** Error stage of one resend: logged in one line; the next pass tries again. */
    public void failed(Exchange exchange) {
        Recovery.Resend r = exchange.getProperty(RESEND, Recovery.Resend.class);
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("recovery: message {} not sent again to {} (next pass retries): {}", r == null ? null : r.messageId(),
                r == null ? null : r.queue(), DeliveryFailed.describe(t));
    }
}
