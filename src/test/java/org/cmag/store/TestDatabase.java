package org.cmag.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A migrated, private database for one test class: an H2 file in a temporary directory, or a fresh schema
 * in the machine's PostgreSQL that is dropped again afterwards. {@link #reset()} empties it between tests.
 */
abstract class TestDatabase implements AutoCloseable {
    static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_USER = "postgres";
    static final String PG_SKIPPED = "PostgreSQL on 127.0.0.1:5432 not reachable - SKIPPED (CI starts it via .ci/run)";

    final Database database;
    final String url;
    private final String user;
    private final String password;

    private TestDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.database = new Database(url, user, password, 8);
    }

    /** Another, independent pool on the same database: a second gateway node sharing it. Close it after use. */
    Database secondNode() {
        return new Database(url, user, password, 8);
    }

    /**
     * Empties every table and resets the audit chain head to genesis. On PostgreSQL this runs as the superuser with
     * triggers off ({@code session_replication_role = replica}), past the append-only triggers, which stay in place.
     */
    void reset() {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            bypassAppendOnly(s, true);
            for (String table : new String[] {"audit_event", "audit_checkpoint", "outbound_message", "inbound_receipt", "inbound_message",
                "inbound_rejection", "case_transition", "assistance_case", "received_data", "transfer_consent", "held_message", "partner_identity",
                "evidence_item", "legal_hold", "policy_version", "configuration_snapshot", "dead_letter", "national_submission"}) {
                s.executeUpdate("DELETE FROM " + table);
            }
            s.executeUpdate("UPDATE audit_head SET seq = 0, hash = '" + org.cmag.audit.AuditChain.GENESIS + "' WHERE id = 1");
            bypassAppendOnly(s, false);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reset test database " + url, e);
        }
    }

    /**
     * Runs one SQL statement outside the stores (to tamper with rows, or read what they wrote), as an attacker holding
     * the database superuser would: on PostgreSQL past the append-only triggers.
     */
    int execute(String sql) {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            bypassAppendOnly(s, true);
            try {
                return s.executeUpdate(sql);
            } finally {
                bypassAppendOnly(s, false);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Turns the append-only triggers off (or back on) for this session; H2 has none. */
    void bypassAppendOnly(Statement s, boolean bypass) throws SQLException {
        // H2: no triggers to pass
    }

    abstract String name();

    /** Skips the current test, with the loud PostgreSQL message, when its database could not be opened. */
    static void assumeAvailable(TestDatabase db) {
        Assumptions.assumeTrue(db != null, PG_SKIPPED);
    }

    @Override
    public void close() {
        database.close();
    }

    static TestDatabase h2(Path dir) {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("cmag") + ";DB_CLOSE_ON_EXIT=FALSE";
        return new TestDatabase(url, "sa", "") {
            @Override
            String name() {
                return "H2";
            }
        };
    }

    /**
     * A fresh schema in the local PostgreSQL, or null (after saying so on stderr) when the server is not
     * there; {@link #assumeAvailable} then skips every test of the class, so each shows up as skipped.
     */
    static TestDatabase postgres() {
        if (!pgReachable()) {
            System.err.println(PG_SKIPPED);
            return null;
        }
        String schema = "cmag_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        pgExecute("CREATE SCHEMA " + schema);
        try {
            return new TestDatabase(PG_SERVER + "?currentSchema=" + schema, PG_USER, "") {
                @Override
                String name() {
                    return "PostgreSQL";
                }

                @Override
                void bypassAppendOnly(Statement s, boolean bypass) throws SQLException {
                    s.execute(bypass ? "SET session_replication_role = replica" : "RESET session_replication_role");
                }

                @Override
                public void close() {
                    try {
                        super.close();
                    } finally {
                        pgExecute("DROP SCHEMA " + schema + " CASCADE");
                    }
                }
            };
        } catch (RuntimeException e) {
            pgExecute("DROP SCHEMA " + schema + " CASCADE");
            throw e;
        }
    }

    private static boolean pgReachable() {
        DriverManager.setLoginTimeout(3);
        try (Connection c = DriverManager.getConnection(PG_SERVER, PG_USER, "")) {
            return c.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void pgExecute(String sql) {
        try (Connection c = DriverManager.getConnection(PG_SERVER, PG_USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
