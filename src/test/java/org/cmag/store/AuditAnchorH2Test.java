package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditAnchorTest} against an H2 file database. */
class AuditAnchorH2Test extends AbstractAuditAnchorTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
