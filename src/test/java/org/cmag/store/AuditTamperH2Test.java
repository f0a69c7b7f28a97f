package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditTamperTest} against an H2 file database. */
class AuditTamperH2Test extends AbstractAuditTamperTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
