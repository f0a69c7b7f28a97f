package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractCaseStoreTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class CaseStorePostgresTest extends AbstractCaseStoreTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
