package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditQueryTest} against an H2 file database in a temporary directory. */
class AuditQueryH2Test extends AbstractAuditQueryTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
