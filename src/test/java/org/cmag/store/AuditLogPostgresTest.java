package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditLogTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class AuditLogPostgresTest extends AbstractAuditLogTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
