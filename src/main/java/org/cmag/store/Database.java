package org.cmag.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.flywaydb.core.Flyway;

/**
 * The gateway's JDBC pool (H2 file by default, PostgreSQL in production), migrated by Flyway at start-up.
 *
 * <p>Outages (README "When a store is down"): {@link #check} answers whether the database answers, over a connection of
 * its own outside the pool (so that a busy pool never makes a live database look down); once the store probe has seen it
 * down ({@link #markUnavailable}) work fails at once instead of waiting on the pool, and the connections of
 * transactions still in flight are aborted, so a server that stopped answering holds no request for longer than it
 * took the probe to notice.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final java.util.function.UnaryOperator<Connection> decorate;
    private final boolean view;
    private final String url;
    private final Properties checkProperties = new Properties();
    /** The connection {@link #check} uses (the store probe's worker thread only); reopened after a failure. */
    private volatile Connection checkConnection;
    /** Connections of the transactions running now (those {@link #markUnavailable} aborts). */
    private final Set<Connection> inUse = ConcurrentHashMap.newKeySet();
    /** Since when the database is known to be down (the store probe said so), or null: work then fails at once. */
    private volatile String unavailable;

    public Database(String url, String user, String password, int poolSize) {
        this(url, user, password, poolSize, null, null);
    }

    /**
     * A pool for {@code user}; the schema is migrated as {@code migrationUser} when one is given (the owner of the
     * tables, see README "Audit trail"), else as {@code user}. On PostgreSQL the migration also makes the audit tables
     * append-only (triggers) and, for a separate runtime user, leaves it only SELECT/INSERT on them.
     */
    public Database(String url, String user, String password, int poolSize, String migrationUser, String migrationPassword) {
        this(url, user, password, poolSize, migrationUser, migrationPassword, Timeouts.POOL_DEFAULTS);
    }

    /**
     * How long the gateway waits on the database before it gives up. {@code connection}: the longest wait for a pooled
     * connection (the pool's connectionTimeout: a database that is down, or a pool exhausted under load) and, on
     * PostgreSQL, for a new connection to be established and logged in; a connection is validated within the shorter
     * of it and one second. {@code socket}: on PostgreSQL, the longest a statement waits for the server's next bytes
     * (a server that stopped answering mid-statement); it must exceed the longest single statement the gateway runs
     * (retention purge, a chain verification or export read), zero waits for ever.
     */
    public record Timeouts(Duration connection, Duration socket) {
        /** The pool's and the driver's own defaults: 30 s to get a connection, no limit on server silence. */
        public static final Timeouts POOL_DEFAULTS = new Timeouts(Duration.ofSeconds(30), Duration.ZERO);

        public Timeouts {
            if (connection.toMillis() < 250) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.db.timeout-ms must be at least 250, not " + connection.toMillis());
            }
            if (socket.isNegative()) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.db.socket-timeout-seconds must not be negative");
            }
        }
    }

    /** As {@link #Database(String, String, String, int, String, String)}, with the given timeouts. */
    public Database(String url, String user, String password, int poolSize, String migrationUser, String migrationPassword, Timeouts timeouts) {
        this.decorate = java.util.function.UnaryOperator.identity();
        this.view = false;
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setAutoCommit(true);
        cfg.setPoolName("cmag-db");
        cfg.setConnectionTimeout(timeouts.connection().toMillis());
        cfg.setValidationTimeout(Math.max(250, Math.min(1000, timeouts.connection().toMillis() - 1)));
        if (url.startsWith("jdbc:postgresql:")) {
            // a dead or silent server fails the statement instead of holding the request (driver settings are seconds)
            long connectSeconds = Math.max(1, (timeouts.connection().toMillis() + 999) / 1000);
            cfg.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
            cfg.addDataSourceProperty("loginTimeout", String.valueOf(connectSeconds));
            cfg.addDataSourceProperty("socketTimeout", String.valueOf(timeouts.socket().toSeconds()));
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
        }
        this.url = url;
        checkProperties.putAll(cfg.getDataSourceProperties());
        checkProperties.setProperty("user", user);
        checkProperties.setProperty("password", password == null ? "" : password);
        try {
            this.dataSource = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "Cannot open database " + redact(url) + ": " + e.getMessage(), null, e);
        }
        try {
            // Flyway opens its own connections (the migration, its lock and the afterMigrate callback need up to three,
            // more than a small pool has), as the migration user when one is configured
            var flyway = Flyway.configure().dataSource(url, migrationUser == null ? user : migrationUser,
                    migrationUser == null ? password : migrationPassword == null ? "" : migrationPassword);
            flyway.locations("classpath:db/migration", "classpath:db/vendor/" + vendor(url))
                    .placeholders(Map.of("cmag_runtime_user", user))
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private Database(HikariDataSource dataSource, java.util.function.UnaryOperator<Connection> decorate) {
        this.dataSource = dataSource;
        this.decorate = decorate;
        this.view = true;
        this.url = null;
    }

    /**
     * A view of this pool whose connections pass through {@code decorate} (tests inject failures at chosen statements to
     * show a transaction is all or nothing); closing the view leaves the pool open.
     */
    public Database decorated(java.util.function.UnaryOperator<Connection> decorate) {
        return new Database(dataSource, decorate);
    }

    /** The folder of vendor-specific migrations: {@code postgresql} or {@code h2} (from the JDBC URL). */
    static String vendor(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return "postgresql";
        }
        if (url.startsWith("jdbc:h2:")) {
            return "h2";
        }
        throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.db.url must be a jdbc:h2: or jdbc:postgresql: URL, not " + redact(url));
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Returns when the database answers within {@code validSeconds} on a connection of its own (kept open, reopened
     * after a failure, so that the database's return is seen on the next call); throws when it does not. For one
     * caller at a time (the store probe's worker), which also bounds the wait for a new connection.
     */
    public void check(int validSeconds) throws SQLException {
        Connection c = checkConnection;
        try {
            if (c == null || c.isClosed()) {
                c = DriverManager.getConnection(url, checkProperties);
                checkConnection = c;
            }
            if (!c.isValid(validSeconds)) {
                throw new SQLException("the database did not answer within " + validSeconds + " s", "08006");
            }
        } catch (SQLException e) {
            closeCheckConnection();
            throw e;
        }
    }

    private void closeCheckConnection() {
        Connection c = checkConnection;
        checkConnection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it is gone either way
            }
        }
    }

    /**
     * The store probe saw the database go down: from now on {@link #connection()} and {@link #inTransaction} fail at once
     * with {@code storage_unavailable} instead of waiting on the pool, until {@link #markAvailable()}; the connections
     * of transactions in flight are aborted (their work fails with {@code storage_unavailable} now rather than when a
     * socket timeout ends it). Returns how many were aborted.
     */
    public int markUnavailable(String since) {
        unavailable = since;
        int aborted = 0;
        for (Connection c : inUse) {
            try {
                c.abort(Database::daemon); // the driver closes the socket on a thread of its own: the caller never blocks
                aborted++;
            } catch (SQLException | RuntimeException e) {
                // closed meanwhile
            }
        }
        dataSource.getHikariPoolMXBean().softEvictConnections(); // fresh connections once it is back
        return aborted;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "cmag-db-abort");
        t.setDaemon(true);
        t.start();
    }

    /** The store probe saw the database come back. */
    public void markAvailable() {
        unavailable = null;
    }

    private void failIfKnownDown() {
        String since = unavailable;
        if (since != null) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "The database is not available (since " + since + ")");
        }
    }

    public Connection connection() {
        failIfKnownDown();
        try {
            return decorate.apply(dataSource.getConnection());
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "Database connection unavailable", null, e);
        }
    }

    /** Runs {@code work} in one transaction and commits it; rolls back and rethrows on any failure. */
    public <T> T inTransaction(SqlWork<T> work) {
        failIfKnownDown();
        try (Connection c = decorate.apply(dataSource.getConnection())) {
            inUse.add(c);
            try {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } finally {
                inUse.remove(c);
            }
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "Database operation failed: " + e.getMessage(), null, e);
        }
    }

    /** Whether an SQL failure is a primary-key / unique violation (SQLState class 23). */
    public static boolean isUniqueViolation(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("23505") || state.equals("23000") || state.startsWith("23"));
    }

    @Override
    public void close() {
        if (view) {
            return;
        }
        closeCheckConnection();
        dataSource.close();
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
