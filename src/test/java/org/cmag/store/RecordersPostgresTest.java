package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractRecordersTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class RecordersPostgresTest extends AbstractRecordersTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
