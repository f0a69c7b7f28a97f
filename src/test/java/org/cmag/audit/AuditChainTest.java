package org.cmag.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.cmag.store.AuditEvent;
import org.junit.jupiter.api.Test;

/** The canonical form of a record is unambiguous and fixed (a golden vector pins it for offline verifiers). */
class AuditChainTest {
    private static final Instant AT = Instant.parse("2026-11-20T09:15:30.123Z");

    private static AuditEvent event(String legalBasis, String detail) {
        return new AuditEvent("message-sealed", AuditEvent.OK, "national", "DE", "NL-1", null, legalBasis, null, null, null, detail);
    }

    @Test
    void canonicalFormIsTheDocumentedOne() {
        String canonical = new String(AuditChain.canonical(AuditChain.GENESIS, 1, AT, event("art. 4", "é")), StandardCharsets.UTF_8);
        assertThat(canonical).isEqualTo(AuditChain.GENESIS + "\n1\n1795166130123\n+14:message-sealed\n+2:OK\n+8:national\n+2:DE\n+4:NL-1\n-\n"
                + "+6:art. 4\n-\n-\n-\n+2:é\n");
        // the same bytes hashed outside Java (Python hashlib.sha256) give this value
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("art. 4", "é")))
                .isEqualTo("a895a30e91d2d3263b69dff1267aa032108c56bc1541981cfc4a6dada8ddd561");
    }

    @Test
    void anAbsentFieldHashesDifferentlyFromAnEmptyOne() {
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, AT, event(null, "d")))
                .isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("", "d")));
    }

    @Test
    void noValueCanImitateAFieldBoundary() {
        // moving text across the boundary between two fields changes the hash, whatever separators the text holds
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("a\n+1:b", null)))
                .isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("a", "b")));
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("a\u001fb", "c")))
                .isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("a b", "c")));
    }
}
