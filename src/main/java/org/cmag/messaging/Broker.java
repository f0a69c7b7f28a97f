package org.cmag.messaging;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * The gateway's Artemis connection: an embedded broker with a persistent NIO journal under the data
 * directory (default), or an external broker / cluster by URL. JMS connections are pooled.
 */
public final class Broker implements AutoCloseable {
    private static final AtomicInteger VM_IDS = new AtomicInteger(100);

    private final EmbeddedActiveMQ embedded;
    private final ActiveMQConnectionFactory connectionFactory;
    private final JmsPoolConnectionFactory pool;
    private final NationalConsumption consumption;

    private Broker(EmbeddedActiveMQ embedded, ActiveMQConnectionFactory connectionFactory, NationalConsumption consumption) {
        this.embedded = embedded;
        this.consumption = consumption;
        this.connectionFactory = connectionFactory;
        // Sessions are pooled and reused: let them cache destination look-ups instead of asking the broker
        // for the queue and address on every send.
        connectionFactory.setCacheDestinations(true);
        this.pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(connectionFactory);
        pool.setMaxConnections(2);
        pool.setMaxSessionsPerConnection(200);
    }

    /** Starts an embedded broker with the address settings of {@code cfg} ({@link RedeliveryPolicy#brokerConfiguration()}), its journal under {@code dataDir}. */
    public static Broker embedded(Configuration cfg, Path dataDir, String name, long journalBufferTimeoutNs) {
        int vmId = VM_IDS.incrementAndGet();
        try {
            configure(cfg, dataDir, name, journalBufferTimeoutNs);
            cfg.addAcceptorConfiguration("in-vm", "vm://" + vmId);
            NationalConsumption consumption = new NationalConsumption();
            cfg.registerBrokerPlugin(consumption);
            EmbeddedActiveMQ server = new EmbeddedActiveMQ();
            server.setConfiguration(cfg);
            server.start();
            ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://" + vmId);
            return new Broker(server, cf, consumption);
        } catch (GatewayException e) {
            throw e;
        } catch (Exception e) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "Cannot start the embedded broker in " + dataDir + ": " + e.getMessage(), null, e);
        }
    }

    private static void configure(Configuration cfg, Path dataDir, String name, long journalBufferTimeoutNs) {
        Path base = dataDir.toAbsolutePath().resolve("broker");
        cfg.setName("cmag-" + name);
        cfg.setPersistenceEnabled(true);
        cfg.setSecurityEnabled(false); // in-VM acceptor only: nothing listens on the network
        cfg.setJMXManagementEnabled(false);
        cfg.setJournalType(JournalType.NIO);
        cfg.setJournalPoolFiles(10);
        cfg.setJournalBufferTimeout_NIO((int) journalBufferTimeoutNs);
        cfg.setJournalDirectory(base.resolve("journal").toString());
        cfg.setBindingsDirectory(base.resolve("bindings").toString());
        cfg.setLargeMessagesDirectory(base.resolve("large-messages").toString());
        cfg.setPagingDirectory(base.resolve("paging").toString());
        cfg.setNodeManagerLockDirectory(base.resolve("lock").toString());
    }

    /** Connects to an external broker (e.g. {@code tcp://broker:61616}). */
    public static Broker external(String url, String user, String password) {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        if (user != null) {
            cf.setUser(user);
            cf.setPassword(password);
        }
        return new Broker(null, cf, null);
    }

    public JmsPoolConnectionFactory connectionFactory() {
        return pool;
    }

    /**
     * Reports each message a consumer takes from the national queue {@code queue} to {@code listener} (embedded broker only;
     * an external broker does not tell).
     */
    public void onNationalConsumption(String queue, java.util.function.BiConsumer<String, String> listener) {
        if (consumption != null) {
            consumption.watch(queue, listener);
        }
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * Returns when the broker answers, throws when it does not: the embedded server must be active; for an external
     * broker the JMS pool must hand out a connection with a session (a failed pooled connection is replaced, which needs
     * the broker). The store probe runs this on a thread of its own, under its timeout.
     */
    public void check() throws jakarta.jms.JMSException {
        if (embedded != null) {
            if (!embedded.getActiveMQServer().isActive()) {
                throw new IllegalStateException("the embedded broker is not active");
            }
            return;
        }
        try (jakarta.jms.Connection c = pool.createConnection()) {
            c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE).close();
        }
    }

    /** Whether the broker (embedded) is active. */
    public boolean isActive() {
        return embedded == null || embedded.getActiveMQServer().isActive();
    }

    @Override
    public void close() {
        pool.stop();
        connectionFactory.close();
        if (embedded != null) {
            try {
                embedded.stop();
            } catch (Exception e) {
                throw new GatewayException(ErrorCode.INTERNAL, "Embedded broker did not stop cleanly", null, e);
            }
        }
    }
}
