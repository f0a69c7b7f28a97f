package org.cmag.demo;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import org.cmag.gateway.Gateway;
import org.cmag.messaging.GatewayHeaders;

/** A national system's view of a gateway's national inbound queue (what the demo and tests read). */
public final class NationalQueue implements AutoCloseable {
    private final Connection connection;
    private final Session session;
    private final MessageConsumer consumer;

    public NationalQueue(Gateway gateway) {
        try {
            connection = gateway.broker().connectionFactory().createConnection();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            consumer = session.createConsumer(session.createQueue(gateway.config().get("gateway.queue.national-inbound")));
            connection.start();
        } catch (JMSException e) {
            throw new IllegalStateException("Cannot read the national queue", e);
        }
    }

    /** A message handed to national systems. */
    public record Delivered(String messageId, String caseId, String partner, String requestType, String xml) {}

    /** Receives the next message, waiting at most {@code millis}; null when none came. */
    public Delivered receive(long millis) {
        try {
            Message m = consumer.receive(millis);
            if (m == null) {
                return null;
            }
            return new Delivered(m.getStringProperty(GatewayHeaders.MESSAGE_ID), m.getStringProperty(GatewayHeaders.CASE_ID),
                    m.getStringProperty(GatewayHeaders.PARTNER_ID), m.getStringProperty(GatewayHeaders.REQUEST_TYPE), body(m));
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drains whatever arrives within {@code millis} of quiet. */
    public List<Delivered> drain(long millis) {
        List<Delivered> out = new ArrayList<>();
        for (Delivered d = receive(millis); d != null; d = receive(millis)) {
            out.add(d);
        }
        return out;
    }

    private static String body(Message m) throws JMSException {
        if (m instanceof jakarta.jms.BytesMessage b) {
            byte[] bytes = new byte[(int) b.getBodyLength()];
            b.readBytes(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (m instanceof jakarta.jms.TextMessage t) {
            return t.getText();
        }
        return null;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (JMSException ignored) {
            // closing
        }
    }
}
