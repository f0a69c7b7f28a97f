package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.cmag.audit.Checkpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The documented least-privilege setup on the machine's PostgreSQL: {@code config/postgresql/roles.sql} creates an
 * owner and a runtime role (under unique names here), the gateway migrates as the owner and runs as the runtime role.
 * The runtime role appends and checkpoints, but its UPDATE, DELETE and TRUNCATE of audit rows fail with a permission
 * error; even the owner's are refused by the append-only trigger.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditProtectionPostgresTest {
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
    private final String owner = "cmag_owner_" + suffix;
    private final String runtime = "cmag_gateway_" + suffix;
    private final String schema = "cmag_p_" + suffix;
    private final AuditFixtures keys = new AuditFixtures();
    private boolean available;
    private Database database;

    @BeforeAll
    void createRolesWithTheDocumentedScript() throws IOException, SQLException {
        TestDatabase probe = TestDatabase.postgres();
        available = probe != null;
        if (!available) {
            return;
        }
        probe.close();
        String script = Files.readString(Path.of("config/postgresql/roles.sql")).replaceAll("(?m)^--.*$", "")
                .replace("cmag_owner", owner).replace("cmag_gateway", runtime)
                .replace(":'owner_password'", "'unused-trust-auth'").replace(":'gateway_password'", "'unused-trust-auth'")
                .replaceAll("SCHEMA cmag\\b", "SCHEMA " + schema);
        asSuperuser(script.split(";"));
        database = new Database(TestDatabase.PG_SERVER + "?currentSchema=" + schema, runtime, "", 2, owner, "");
    }

    @AfterAll
    void dropRoles() throws SQLException {
        if (database != null) {
            database.close();
        }
        if (available) {
            asSuperuser("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "DROP OWNED BY " + owner + ", " + runtime,
                    "DROP ROLE IF EXISTS " + runtime, "DROP ROLE IF EXISTS " + owner);
        }
    }

    @Test
    void theRuntimeRoleAppendsAndCheckpointsButCannotChangeAuditRows() throws SQLException {
        Assumptions.assumeTrue(available, TestDatabase.PG_SKIPPED);
        AuditLog audit = new AuditLog(database, DatabaseBackedTest.CLOCK);
        audit.append(DatabaseBackedTest.event("protected", "M-1", "first"), DatabaseBackedTest.event("protected", "M-2", "second"));
        Checkpoints checkpoints = keys.checkpoints(database, audit, null);
        assertThat(checkpoints.write()).isPresent();
        assertThat(keys.verify(database, audit).problem()).isEmpty();
        int records = audit.all().size();
        for (String sql : new String[] {"UPDATE audit_event SET detail = 'x' WHERE seq = 1", "DELETE FROM audit_event WHERE seq = 2",
            "TRUNCATE audit_event", "UPDATE audit_checkpoint SET head_seq = 1", "DELETE FROM audit_checkpoint", "TRUNCATE audit_checkpoint",
            "DELETE FROM audit_head", "INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, 'x')", "DROP TABLE audit_event",
            "CREATE TABLE shadow (id INT)"}) {
            SQLException e = refused(runtime, sql);
            assertThat(e.getSQLState()).as(sql).isIn("42501", "42P17");
            assertThat(e.getMessage()).as(sql).containsAnyOf("permission denied", "must be owner");
        }
        assertThat(audit.all()).hasSize(records);
        assertThat(keys.verify(database, audit).problem()).isEmpty();
        assertThat(execute(runtime, "DELETE FROM held_message")).as("business tables stay writable").isZero();
    }

    @Test
    void evenTheOwnerIsRefusedByTheAppendOnlyTrigger() throws SQLException {
        Assumptions.assumeTrue(available, TestDatabase.PG_SKIPPED);
        AuditLog audit = new AuditLog(database, DatabaseBackedTest.CLOCK);
        audit.append(DatabaseBackedTest.event("protected", "M-3", "third"));
        keys.checkpoints(database, audit, null).write(); // a row for the row triggers to refuse
        for (String sql : new String[] {"UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event",
            "UPDATE audit_checkpoint SET head_seq = 1", "DELETE FROM audit_checkpoint", "TRUNCATE audit_checkpoint"}) {
            SQLException e = refused(owner, sql);
            assertThat(e.getMessage()).as(sql).contains("is append-only").contains("refused");
        }
    }

    private SQLException refused(String role, String sql) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> execute(role, sql));
        assertThat((Throwable) e).as("%s as %s must be refused", sql, role).isNotNull();
        return e;
    }

    private int execute(String role, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDatabase.PG_SERVER + "?currentSchema=" + schema, role, "");
                Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private static void asSuperuser(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDatabase.PG_SERVER, TestDatabase.PG_USER, ""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
    }
}
