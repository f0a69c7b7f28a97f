package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractHeldStoreTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class HeldStorePostgresTest extends AbstractHeldStoreTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
