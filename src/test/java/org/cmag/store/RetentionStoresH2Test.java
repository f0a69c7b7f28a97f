package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractRetentionStoresTest} against H2 file database in a temporary directory. */
class RetentionStoresH2Test extends AbstractRetentionStoresTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
