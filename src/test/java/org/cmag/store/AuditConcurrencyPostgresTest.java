package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditConcurrencyTest} against one schema in the local PostgreSQL shared by two pools (skipped loudly when it is not running). */
class AuditConcurrencyPostgresTest extends AbstractAuditConcurrencyTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
