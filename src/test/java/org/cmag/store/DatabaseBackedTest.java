package org.cmag.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the store tests: each concrete subclass runs the same tests against one backend (H2 or
 * PostgreSQL), with one migrated database per class that is emptied before every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DatabaseBackedTest {
    static final Instant NOW = Instant.parse("2026-11-20T09:15:30.123Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    TestDatabase db;

    /** Opens the backend of the concrete test class, or returns null when it is not available. */
    abstract TestDatabase open(Path dir);

    @BeforeAll
    void openDatabase(@TempDir Path dir) {
        db = open(dir);
    }

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.assumeAvailable(db);
        db.reset();
    }

    @AfterAll
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    Database database() {
        return db.database;
    }

    static AuditEvent event(String type, String messageId, String detail) {
        return AuditEvent.ok(type, "test", "DE", messageId, "CASE-1", detail);
    }
}
