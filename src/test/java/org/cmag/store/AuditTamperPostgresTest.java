package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditTamperTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class AuditTamperPostgresTest extends AbstractAuditTamperTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
