package org.cmag.store;

import java.nio.file.Path;

/** {@link AbstractPartnerBindingsTest} against a fresh schema in the local PostgreSQL (skipped loudly when it is not running). */
class PartnerBindingsPostgresTest extends AbstractPartnerBindingsTest {
    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.postgres();
    }
}
