package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractMessageStoresTest} against H2 file database in a temporary directory. */
class MessageStoresH2Test extends AbstractMessageStoresTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
