package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditLogTest} against H2 file database in a temporary directory. */
class AuditLogH2Test extends AbstractAuditLogTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
