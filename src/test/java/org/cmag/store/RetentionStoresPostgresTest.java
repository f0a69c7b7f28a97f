package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractRetentionStoresTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class RetentionStoresPostgresTest extends AbstractRetentionStoresTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
