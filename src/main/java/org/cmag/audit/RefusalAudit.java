package org.cmag.audit;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit records of refusals (problem+json answers, SOAP faults, bodies the HTTP server would not read): appended to
 * the chain at once while the database is up, spooled durably ({@link AuditSpool}) while it is down, so that the
 * refusal is still answered at once and audited once the database is back. A refusal is spooled without trying the
 * database when the store probe reports it down or when the refusal itself was caused by a failed database connection
 * (no second wait on the pool); an append that fails is spooled too. If even the spool cannot be written the refusal is
 * still answered (nothing was acknowledged) and the loss is logged.
 *
 * <p>Spooled records are appended by {@link #drainSoon()} (the gateway calls it when the probe sees the database come
 * back), at start-up ({@link #drainNow()}), and by a retry every {@code retryInterval} while records wait and the
 * database is reported up.
 */
public final class RefusalAudit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalAudit.class);

    private final AuditLog audit;
    private final AuditSpool spool;
    private final Database database;
    private final BooleanSupplier databaseUp;
    private final ScheduledExecutorService drainer;
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final long retryMillis;
    /** After a failed drain the retry waits longer (doubling up to a minute); the drainer thread only. */
    private long backoffMillis;
    private long nextRetry;

    public RefusalAudit(AuditLog audit, AuditSpool spool, Database database, BooleanSupplier databaseUp, Duration retryInterval, String name) {
        this.audit = audit;
        this.spool = spool;
        this.database = database;
        this.databaseUp = databaseUp;
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cmag-audit-spool-" + name);
            t.setDaemon(true);
            return t;
        });
        this.retryMillis = Math.max(1, retryInterval.toMillis());
        this.nextRetry = System.nanoTime();
        drainer.scheduleWithFixedDelay(this::drainIfWaiting, retryMillis, retryMillis, TimeUnit.MILLISECONDS);
    }

    /** Audits a refusal that has nothing to do with the database. */
    public void record(AuditEvent event) {
        record(event, null);
    }

    /** Audits a refusal whose cause was {@code cause} (null when none): in the chain, or in the spool (class comment). */
    public void record(AuditEvent event, Throwable cause) {
        if (databaseUp.getAsBoolean() && !databaseFailure(cause)) {
            try {
                audit.append(event);
                return;
            } catch (RuntimeException e) {
                LOG.warn("Audit of refusal {} ({}) failed, spooling it: {}", event.type(), event.errorCode(), e.getMessage());
            }
        }
        try {
            String id = spool.spool(event);
            LOG.info("Audit of refusal {} ({}) spooled as {} until the database is back", event.type(), event.errorCode(), id);
        } catch (IOException | RuntimeException e) {
            LOG.error("Refusal {} ({}, message {}) could be neither audited nor spooled to {}: {}", event.type(), event.errorCode(),
                    event.messageId(), spool.directory(), e.getMessage(), e);
        }
    }

    /** Records waiting in the spool. */
    public int pending() {
        return spool.pending();
    }

    /** Appends the spooled records now, on the calling thread; failures are logged (the retry goes on). */
    public void drainNow() {
        tryDrain();
    }

    private boolean tryDrain() {
        if (spool.pending() == 0) {
            return true;
        }
        try {
            spool.drain(database, audit);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Audit spool: {} record(s) still wait for the database: {}", spool.pending(), e.getMessage());
            return false;
        }
    }

    /** Appends the spooled records soon, on the spool's own thread. */
    public void drainSoon() {
        if (drainQueued.compareAndSet(false, true)) {
            try {
                drainer.execute(() -> {
                    drainQueued.set(false);
                    drainNow();
                });
            } catch (RejectedExecutionException closed) {
                drainQueued.set(false);
            }
        }
    }

    private void drainIfWaiting() {
        if (spool.pending() == 0 || !databaseUp.getAsBoolean() || System.nanoTime() - nextRetry < 0) {
            return;
        }
        if (tryDrain()) {
            backoffMillis = 0;
        } else {
            backoffMillis = Math.min(60_000, Math.max(retryMillis, backoffMillis * 2));
            nextRetry = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        }
    }

    /** Whether {@code t} (or a cause of it) is a failed or unobtainable database connection, not a failed statement. */
    public static boolean databaseFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException
                    || c instanceof SQLRecoverableException) {
                return true;
            }
            if (c instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null && state.startsWith("08") || e.getCause() instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        drainer.shutdownNow();
    }
}
