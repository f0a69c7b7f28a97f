package org.cmag.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;

/**
 * The audit chain's share of the bench: appends per second to a fresh database (H2, and PostgreSQL when a URL is
 * given), from one thread and from many, each append its own transaction with the head lock and as many records as the
 * gateways' stages write per append on average (measured in the same run); then a full verification. Reported against
 * the raw crypto cost, like the policy cost: the chain's cost per message (appends per message x time per append) as a
 * share of sign + encrypt + decrypt + verify, and the messages per second the chain alone allows with many writers
 * against the crypto ceiling.
 */
final class AuditBench {
    private static final int WARM_UP = 2000;
    private static final int SINGLE = 5000;
    private static final int PER_THREAD = 1500;

    /** Figures of one database. */
    record Figures(String database, int batch, double singlePerSecond, double concurrentPerSecond, int threads, double verifiedPerSecond) {}

    private AuditBench() {}

    /** Measures H2 under {@code dir}. */
    static Figures h2(Path dir, int threads, int batch) {
        try (Database db = new Database("jdbc:h2:file:" + dir.toAbsolutePath().resolve("audit") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", threads + 2)) {
            return measure("H2", db, threads, batch);
        }
    }

    /** Measures a fresh schema of the PostgreSQL at {@code url} (dropped afterwards). */
    static Figures postgres(String url, String user, String password, int threads, int batch) {
        String schema = "cmag_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
        execute(url, user, password, "CREATE SCHEMA " + schema);
        try (Database db = new Database(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password, threads + 2)) {
            return measure("PostgreSQL", db, threads, batch);
        } finally {
            execute(url, user, password, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static Figures measure(String name, Database db, int threads, int batch) {
        AuditLog log = new AuditLog(db, Clock.systemUTC());
        appendFrom(log, 1, WARM_UP, batch);
        long t0 = System.nanoTime();
        appendFrom(log, 1, SINGLE, batch);
        double single = SINGLE / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        appendFrom(log, threads, PER_THREAD, batch);
        double concurrent = threads * PER_THREAD / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        var problem = log.verifyChain();
        double verified = log.head().seq() / ((System.nanoTime() - t0) / 1e9);
        if (problem.isPresent()) {
            throw new IllegalStateException("bench: the audit chain does not verify: " + problem.get());
        }
        return new Figures(name, batch, single, concurrent, threads, verified);
    }

    /** {@code perThread} appends of {@code batch} records each, from {@code threads} threads. */
    private static void appendFrom(AuditLog log, int threads, int perThread, int batch) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger n = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int k = n.incrementAndGet();
                        AuditEvent[] events = new AuditEvent[batch];
                        for (int j = 0; j < batch; j++) {
                            events[j] = AuditEvent.ok("message-sealed", "national", "DE", "NL-BENCH-" + k, "CASE-" + (k % 97),
                                    "bench append " + k + "." + j).withLegal("EU-REG-515-97 art. 4", "Verify the customs value").withDigest("ab".repeat(32));
                        }
                        log.append(events);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("bench: audit append failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Prints the figures against the raw crypto cost per message and the crypto ceiling. */
    static void report(PrintStream out, Figures f, double appendsPerMessage, double cryptoMicros, double ceilingPerSecond) {
        double micros = 1e6 / f.singlePerSecond();
        out.printf("audit chain (%s)%s appends of %d records: %,.0f/s one thread (%.0f us each), %,.0f/s from %d threads; verify %,.0f records/s%n",
                f.database(), " ".repeat(Math.max(0, 10 - f.database().length())), f.batch(), f.singlePerSecond(), micros, f.concurrentPerSecond(),
                f.threads(), f.verifiedPerSecond());
        out.printf("  per message                  %.1f appends x %.0f us = %.0f us = %.1f %% of the raw crypto cost per message (%.0f us)%n",
                appendsPerMessage, micros, appendsPerMessage * micros, 100 * appendsPerMessage * micros / cryptoMicros, cryptoMicros);
        double chainCeiling = f.concurrentPerSecond() / appendsPerMessage;
        out.printf("  chain ceiling                %,.0f messages/s from %d writers = %.1f x the raw crypto ceiling%s%n", chainCeiling, f.threads(),
                chainCeiling / ceilingPerSecond, chainCeiling < ceilingPerSecond ? " (the chain would be the bottleneck)" : "");
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("bench: " + sql + ": " + e.getMessage(), e);
        }
    }
}
