package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractHeldStoreTest} against an H2 file database. */
class HeldStoreH2Test extends AbstractHeldStoreTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
