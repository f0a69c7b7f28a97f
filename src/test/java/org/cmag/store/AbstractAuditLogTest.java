package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hash-chained audit log against a real database; run by {@link AuditLogH2Test} and {@link AuditLogPostgresTest}. */
abstract class AbstractAuditLogTest extends DatabaseBackedTest {
    AuditLog audit;

    @BeforeEach
    void newLog() {
        audit = new AuditLog(database(), CLOCK);
    }

    private void appendNumbered(int n) {
        for (int i = 1; i <= n; i++) {
            audit.append(event("test-event", "MSG-" + i, "event " + i));
        }
    }

    @Test
    void chainVerifiesAfterManyAppends() {
        appendNumbered(20);
        for (int i = 0; i < 10; i++) {
            audit.append(event("batch", "B-" + i, "first"), event("batch", "B-" + i, "second"), event("batch", "B-" + i, "third"));
        }
        List<AuditRecord> all = audit.all();
        assertThat(all).extracting(AuditRecord::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(all.get(0).prevHash()).isEqualTo(org.cmag.audit.AuditChain.GENESIS);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).prevHash()).as("record %d links to %d", i + 1, i).isEqualTo(all.get(i - 1).hash());
        }
        assertThat(all).extracting(AuditRecord::hash).doesNotHaveDuplicates().allMatch(h -> h.matches("[0-9a-f]{64}"));
        assertThat(audit.verifyChain()).isEmpty();
        // 20 single appends and 10 of three records: what the bench divides by to get records per append
        assertThat(audit.appendCount()).isEqualTo(30);
    }

    @Test
    void storesEveryFieldOfTheEvent() {
        AuditEvent e = AuditEvent.rejected("message-rejected", "DE", "DE", "MSG-9", "CASE-9", "signature_invalid", "bad signature")
                .withLegal("EU-REG-515-97 art. 4", "verify origin").withDigest("ab".repeat(32));
        audit.append(e);
        AuditRecord r = audit.forMessage("MSG-9").get(0);
        assertThat(r.event()).isEqualTo(e);
        assertThat(r.occurredAt()).isEqualTo(NOW);
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void emptyLogVerifies() {
        assertThat(audit.all()).isEmpty();
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void forMessageReturnsOnlyThatMessageInChainOrder() {
        audit.append(event("a", "M-1", "1"));
        audit.append(event("b", "M-2", "2"));
        audit.append(event("c", "M-1", "3"));
        assertThat(audit.forMessage("M-1")).extracting(r -> r.event().type()).containsExactly("a", "c");
        assertThat(audit.forMessage("M-3")).isEmpty();
    }

    @Test
    void longDetailIsTruncatedAndStillVerifies() {
        audit.append(event("long", "M-1", "x".repeat(5000)));
        String stored = audit.all().get(0).event().detail();
        assertThat(stored).hasSize(2000).endsWith("...");
        assertThat(audit.verifyChain()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"detail = 'forged'", "outcome = 'REJECTED'", "partner_id = 'FR'", "message_id = 'MSG-X'",
        "error_code = 'internal'", "event_type = 'other'", "actor = 'someone'", "occurred_at = occurred_at + INTERVAL '1' SECOND"})
    void changedFieldIsDetectedNamingItsSeq(String change) {
        appendNumbered(10);
        assertThat(db.execute("UPDATE audit_event SET " + change + " WHERE seq = 4")).isEqualTo(1);
        assertThat(audit.verifyChain()).hasValueSatisfying(m -> assertThat(m).contains("record 4 ").contains("changed"));
    }

    @Test
    void rewrittenRecordWithRecomputedHashBreaksTheLinkOfItsSuccessor() throws Exception {
        appendNumbered(10);
        AuditRecord r = audit.all().get(6);
        AuditEvent forged = event(r.event().type(), r.event().messageId(), "forged");
        String forgedHash = org.cmag.audit.AuditChain.hash(r.prevHash(), r.seq(), r.occurredAt(), forged);
        db.execute("UPDATE audit_event SET detail = 'forged', hash = '" + forgedHash + "' WHERE seq = " + r.seq());
        assertThat(audit.verifyChain()).hasValueSatisfying(m -> assertThat(m).contains("record 8 ").contains("predecessor"));
    }

    @Test
    void deletedMiddleRecordIsDetected() {
        appendNumbered(10);
        db.execute("DELETE FROM audit_event WHERE seq = 5");
        assertThat(audit.verifyChain()).hasValueSatisfying(m -> assertThat(m).contains("record 5 ").contains("missing"));
    }

    @Test
    void deletedFirstRecordIsDetected() {
        appendNumbered(3);
        db.execute("DELETE FROM audit_event WHERE seq = 1");
        assertThat(audit.verifyChain()).hasValueSatisfying(m -> assertThat(m).contains("record 1 ").contains("missing"));
    }

    @Test
    void deletedTailRecordIsDetectedViaTheHead() {
        appendNumbered(10);
        db.execute("DELETE FROM audit_event WHERE seq = 10");
        assertThat(audit.verifyChain()).hasValueSatisfying(m -> assertThat(m).contains("head").contains("10").contains("9"));
    }

    @Test
    void alteredHeadIsDetected() {
        appendNumbered(3);
        db.execute("UPDATE audit_head SET hash = '" + "f".repeat(64) + "' WHERE id = 1");
        assertThat(audit.verifyChain()).hasValueSatisfying(m -> assertThat(m).contains("head"));
    }

    @Test
    void concurrentAppendsFormOneChainWithoutGaps() throws Exception {
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "thread-" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        audit.append(AuditEvent.ok("concurrent", actor, null, null, null, actor + "/" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<AuditRecord> all = audit.all();
        int total = threads * perThread;
        assertThat(all).extracting(AuditRecord::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        Set<String> details = new HashSet<>();
        all.forEach(r -> details.add(r.event().detail()));
        assertThat(details).hasSize(total);
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void appendInsideRolledBackTransactionLeavesNoRecord() {
        audit.append(event("before", "M-0", "kept"));
        RuntimeException boom = new IllegalStateException("business failure after the audit append");
        RuntimeException thrown = catchThrowableOfType(RuntimeException.class, () -> database().inTransaction(c -> {
            audit.append(c, event("inside", "M-1", "rolled back"));
            throw boom;
        }));
        assertThat(thrown).isSameAs(boom);
        assertThat(audit.all()).extracting(r -> r.event().type()).containsExactly("before");
        assertThat(audit.verifyChain()).isEmpty();
        audit.append(event("after", "M-2", "next"));
        assertThat(audit.all()).extracting(AuditRecord::seq).containsExactly(1L, 2L);
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void batchWithAnInvalidEventWritesNoneOfIt() {
        audit.append(event("before", "M-0", "kept"));
        AuditEvent noActor = new AuditEvent("bad", AuditEvent.OK, null, null, null, null, null, null, null, null, null);
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> audit.append(event("ok", "M-1", "1"), noActor, event("ok", "M-1", "3")));
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(audit.all()).hasSize(1);
        assertThat(audit.verifyChain()).isEmpty();
    }
}
