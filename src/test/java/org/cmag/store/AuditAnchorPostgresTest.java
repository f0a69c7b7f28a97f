package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditAnchorTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class AuditAnchorPostgresTest extends AbstractAuditAnchorTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
