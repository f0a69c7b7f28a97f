package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractEvidenceStoreTest} against H2 file database in a temporary directory. */
class EvidenceStoreH2Test extends AbstractEvidenceStoreTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
