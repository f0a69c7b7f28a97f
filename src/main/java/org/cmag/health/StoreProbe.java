package org.cmag.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the gateway's two stores, the database and the broker, from a daemon thread of its own: every
 * {@code interval} each store's check runs (on a worker thread per store) and gets {@code timeout} to answer; a check
 * that fails or does not answer in time marks the store DOWN, the next one that passes marks it UP again. A check still
 * running from an earlier round is waited for, never started twice, so a hung server costs one worker thread.
 *
 * <p>Readers ({@code /health}, the fail-fast step of the API routes, the audit of refusals) only read the last state:
 * they never wait on a store. Listeners hear of each change once, on the probe thread, and must return quickly.
 */
public final class StoreProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreProbe.class);
    /** How long the first round, at start-up, waits for each check. */
    static final Duration FIRST_ROUND = Duration.ofSeconds(10);

    /** The stores the gateway cannot work without. */
    public enum Store {
        DATABASE("database"),
        BROKER("broker");

        private final String label;

        Store(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One check of a store: returns when the store answers, throws when it does not. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** A store's state: up or down, since when, and the last failure (null while up). */
    public record Status(boolean up, Instant since, String lastError) {
    }

    /** Told of every change of a store's state. */
    @FunctionalInterface
    public interface Listener {
        void changed(Store store, Status status);
    }

    private final String name;
    private final Map<Store, Check> checks;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final Map<Store, ExecutorService> workers = new EnumMap<>(Store.class);
    private final Map<Store, Future<?>> pending = new EnumMap<>(Store.class);
    /** The last state of each store: an immutable map, replaced by the probe thread (readers on every request take no lock). */
    private volatile Map<Store, Status> states;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * A probe of {@code checks}; not yet running. {@code name} names its threads (e.g. the gateway id).
     *
     * @param interval time between the starts of two rounds of checks
     * @param timeout  how long one check may take before its store counts as down
     */
    public StoreProbe(String name, Map<Store, Check> checks, Duration interval, Duration timeout, Clock clock) {
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("probe interval and timeout must be positive");
        }
        this.name = name;
        this.checks = new EnumMap<>(checks);
        this.interval = interval;
        this.timeout = timeout;
        this.clock = clock;
        Map<Store, Status> initial = new EnumMap<>(Store.class);
        for (Store store : this.checks.keySet()) {
            workers.put(store, Executors.newSingleThreadExecutor(r -> daemon(r, "cmag-probe-" + name + "-" + store.label())));
            initial.put(store, new Status(true, clock.instant(), null));
        }
        this.states = Map.copyOf(initial);
        this.thread = daemon(this::loop, "cmag-probe-" + name);
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs one round of checks on the calling thread (so the state is known at once), then keeps probing in the
     * background. This first round gives each check up to {@link #FIRST_ROUND} (at least the timeout): a first
     * connection to an external broker costs more than the ones after it.
     */
    public StoreProbe start() {
        probeOnce(timeout.compareTo(FIRST_ROUND) > 0 ? timeout : FIRST_ROUND);
        thread.start();
        return this;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The last known state of {@code store}. */
    public Status status(Store store) {
        Status s = states.get(store);
        if (s == null) {
            throw new IllegalArgumentException("store " + store + " is not probed");
        }
        return s;
    }

    public boolean isUp(Store store) {
        return status(store).up();
    }

    /** Whether every probed store is up. */
    public boolean allUp() {
        return states.values().stream().allMatch(Status::up);
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            try {
                probeOnce(timeout);
            } catch (RuntimeException e) {
                LOG.error("Store probe {}: round failed", name, e);
            }
            long sleep = interval.toNanos() - (System.nanoTime() - started);
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One round: start each store's check (unless the last one still runs), then collect the answers until the deadline. */
    void probeOnce(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Map.Entry<Store, Check> e : checks.entrySet()) {
            Future<?> previous = pending.get(e.getKey());
            if (previous == null || previous.isDone()) {
                Check check = e.getValue();
                pending.put(e.getKey(), workers.get(e.getKey()).submit(() -> {
                    check.run();
                    return null;
                }));
            }
        }
        for (Store store : checks.keySet()) {
            Future<?> f = pending.get(store);
            String error;
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                error = null;
            } catch (TimeoutException e) {
                error = "no answer within " + wait.toMillis() + " ms";
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                error = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            record(store, error);
        }
    }

    /** Only the probe thread (or start(), before it runs) records. */
    private void record(Store store, String error) {
        boolean up = error == null;
        Map<Store, Status> next = new EnumMap<>(Store.class);
        next.putAll(states);
        Status old = next.get(store);
        Instant previousSince = old.since();
        Status changed = null;
        if (old.up() != up) {
            changed = new Status(up, clock.instant(), error);
            next.put(store, changed);
        } else if (!up) {
            next.put(store, new Status(false, old.since(), error));
        } else {
            return;
        }
        states = Map.copyOf(next);
        if (changed == null) {
            return;
        }
        if (up) {
            LOG.warn("Gateway {}: {} UP again after {} ms down", name, store.label(),
                    Duration.between(previousSince, changed.since()).toMillis());
        } else {
            LOG.error("Gateway {}: {} DOWN: {}", name, store.label(), error);
        }
        for (Listener l : listeners) {
            try {
                l.changed(store, changed);
            } catch (RuntimeException e) {
                LOG.error("Store probe {}: listener failed on {} {}", name, store.label(), up ? "UP" : "DOWN", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.values().forEach(ExecutorService::shutdownNow);
    }
}
