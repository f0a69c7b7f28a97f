package org.cmag.stage;

import org.cmag.store.RetentionPurge;

/** Timer stage {@code purge-expired}: one retention purge run (see {@link RetentionPurge}), audited with its counts. */
public final class PurgeExpired {
    private final RetentionPurge purge;

    public PurgeExpired(RetentionPurge purge) {
        this.purge = purge;
    }

    public void purge() {
        purge.run(false, "gateway");
    }
}
