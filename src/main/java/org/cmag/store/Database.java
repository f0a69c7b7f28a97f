package org.cmag.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.flywaydb.core.Flyway;

/** The gateway's JDBC pool (H2 file by default, PostgreSQL in production), migrated by Flyway at start-up. */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;

    public Database(String url, String user, String password, int poolSize) {
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
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
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
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "Database connection unavailable", null, e);
        }
    }

    /** Runs {@code work} in one transaction and commits it; rolls back and rethrows on any failure. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
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
        dataSource.close();
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
