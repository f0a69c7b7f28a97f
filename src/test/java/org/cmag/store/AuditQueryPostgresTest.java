package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditQueryTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class AuditQueryPostgresTest extends AbstractAuditQueryTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
