package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractPartnerBindingsTest} against an H2 file database. */
class PartnerBindingsH2Test extends AbstractPartnerBindingsTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }
}
