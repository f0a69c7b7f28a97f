package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractMessageStoresTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class MessageStoresPostgresTest extends AbstractMessageStoresTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
