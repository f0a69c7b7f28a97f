package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractRecordersTest} against an H2 file database in a temporary directory. */
class RecordersH2Test extends AbstractRecordersTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
