package org.cmag.messaging;

import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin of the embedded broker: when a consumer (a national system) acknowledges a message on the national queue, the
 * gateway learns that national systems have it (the inbound message becomes DELIVERED). An external broker does not run
 * this plugin: there the gateway's last word is QUEUED_NATIONAL (handed to the broker's national queue), unless a
 * national callback confirms the delivery.
 */
public final class NationalConsumption implements ActiveMQServerMessagePlugin {
    private static final Logger LOG = LoggerFactory.getLogger(NationalConsumption.class);

    private volatile String queue;
    private volatile java.util.function.BiConsumer<String, String> listener;

    /** From now on, a normal acknowledgement on {@code queue} reports the sender and message id to {@code listener}. */
    public void watch(String queue, java.util.function.BiConsumer<String, String> listener) {
        this.queue = queue;
        this.listener = listener;
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
        java.util.function.BiConsumer<String, String> l = listener;
        if (l == null || reason != AckReason.NORMAL || consumer == null || !ref.getQueue().getName().toString().equals(queue)) {
            return;
        }
        String id = ref.getMessage().getStringProperty(GatewayHeaders.MESSAGE_ID);
        String partner = ref.getMessage().getStringProperty(GatewayHeaders.PARTNER_ID);
        if (id == null || partner == null) {
            return;
        }
        try {
            l.accept(partner, id);
        } catch (RuntimeException e) {
            LOG.warn("message {}: taken from {} by a national consumer, not recorded as DELIVERED: {}", id, queue, e.getMessage());
        }
    }
}
