package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractCaseStoreTest} against an H2 file database. */
class CaseStoreH2Test extends AbstractCaseStoreTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
