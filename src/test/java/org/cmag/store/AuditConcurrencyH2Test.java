package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractAuditConcurrencyTest} against an H2 file database (two pools in one JVM). */
class AuditConcurrencyH2Test extends AbstractAuditConcurrencyTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
