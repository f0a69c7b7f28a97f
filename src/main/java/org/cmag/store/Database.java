package org.cmag.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.flywaydb.core.Flyway;

/** The gateway's JDBC pool (H2 file by default, PostgreSQL in production), migrated by Flyway at start-up. */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final java.util.function.UnaryOperator<Connection> decorate;
    private final boolean view;

    public Database(String url, String user, String password, int poolSize) {
        this(url, user, password, poolSize, null, null);
    }

    /**
     * A pool for {@code user}; the schema is migrated as {@code migrationUser} when one is given (the owner of the
     * tables, see README "Audit trail"), else as {@code user}. On PostgreSQL the migration also makes the audit tables
     * append-only (triggers) and, for a separate runtime user, leaves it only SELECT/INSERT on them.
     */
    public Database(String url, String user, String password, int poolSize, String migrationUser, String migrationPassword) {
        this.decorate = java.util.function.UnaryOperator.identity();
        this.view = false;
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setAutoCommit(true);
        cfg.setPoolName("cmag-db");
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

    public Connection connection() {
        try {
            return decorate.apply(dataSource.getConnection());
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "Database connection unavailable", null, e);
        }
    }

    /** Runs {@code work} in one transaction and commits it; rolls back and rethrows on any failure. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = decorate.apply(dataSource.getConnection())) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
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
        if (!view) {
            dataSource.close();
        }
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
