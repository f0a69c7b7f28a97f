package org.cmag.gateway;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.cmag.health.StoreProbe;
import org.cmag.health.StoreProbe.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the database is down the queue consumers that need it ({@link #PREFIXES}: inbound processing, the national
 * callback, the per-partner deliveries) are suspended, so that their messages stay on the queue instead of burning
 * their redelivery attempts against a dead database; they are resumed when it is back. Only routes this class suspended
 * are resumed. One log line per transition, on a thread of its own (a suspension waits for messages in flight).
 */
final class ConsumerPause implements StoreProbe.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerPause.class);
    /** Route ids (prefixes) of the JMS consumers that need the database. */
    static final List<String> PREFIXES = List.of("inbound-exchange-process", "inbound-national-callback", "outbound-delivery-",
            "dead-letter-intake");

    private final CamelContext context;
    private final StoreProbe probe;
    private final ExecutorService worker;
    private final Set<String> suspended = new LinkedHashSet<>();

    ConsumerPause(CamelContext context, StoreProbe probe, String name) {
        this.context = context;
        this.probe = probe;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cmag-consumer-pause-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void changed(Store store, StoreProbe.Status status) {
        if (store == Store.DATABASE) {
            sync();
        }
    }

    /** Brings the consumers in line with the database's current state (soon, on the worker thread). */
    void sync() {
        try {
            worker.execute(this::apply);
        } catch (RejectedExecutionException closed) {
            // shutting down
        }
    }

    private synchronized void apply() {
        boolean up = probe.isUp(Store.DATABASE);
        List<String> changed = new ArrayList<>();
        try {
            if (!up) {
                for (Route route : context.getRoutes()) {
                    String id = route.getRouteId();
                    if (PREFIXES.stream().anyMatch(id::startsWith) && context.getRouteController().getRouteStatus(id) == ServiceStatus.Started) {
                        context.getRouteController().suspendRoute(id);
                        suspended.add(id);
                        changed.add(id);
                    }
                }
                if (!changed.isEmpty()) {
                    LOG.warn("Database down: queue consumers {} suspended until it is back", changed);
                }
            } else {
                for (String id : List.copyOf(suspended)) {
                    ServiceStatus status = context.getRouteController().getRouteStatus(id);
                    if (status == ServiceStatus.Suspended) {
                        context.getRouteController().resumeRoute(id);
                        changed.add(id);
                    } else if (status == ServiceStatus.Stopped) {
                        // a consumer that cannot be suspended was stopped instead
                        context.getRouteController().startRoute(id);
                        changed.add(id);
                    }
                    suspended.remove(id);
                }
                if (!changed.isEmpty()) {
                    LOG.warn("Database back: queue consumers {} resumed", changed);
                }
            }
        } catch (Exception e) {
            LOG.error("Cannot {} the queue consumers {}", up ? "resume" : "suspend", changed, e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
