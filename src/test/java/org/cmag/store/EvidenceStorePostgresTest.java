package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractEvidenceStoreTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class EvidenceStorePostgresTest extends AbstractEvidenceStoreTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
