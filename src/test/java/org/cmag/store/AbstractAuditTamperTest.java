package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.ChainVerifier;
import org.cmag.audit.CheckpointTrust;
import org.cmag.audit.Checkpoints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of tampering with the audit trail is detected by the full verification (records, head and signed
 * checkpoints) and named with its first bad record. The tampering is done as an attacker with the database superuser
 * would (on PostgreSQL past the append-only triggers). Run by {@link AuditTamperH2Test} and {@link AuditTamperPostgresTest}.
 */
abstract class AbstractAuditTamperTest extends DatabaseBackedTest {
    private final AuditFixtures keys = new AuditFixtures();
    private AuditLog audit;
    private Checkpoints checkpoints;

    @BeforeEach
    void newLog() {
        audit = new AuditLog(database(), CLOCK);
        checkpoints = keys.checkpoints(database(), audit, null);
    }

    /** Records 1..n, with a signed checkpoint after record {@code n}. */
    private void chainWithCheckpoint(int n) {
        for (int i = 1; i <= n; i++) {
            audit.append(event("test-event", "MSG-" + i, "event " + i));
        }
        assertThat(checkpoints.write()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(n));
    }

    private ChainProblem firstProblem() {
        ChainVerifier.Report report = keys.verify(database(), audit);
        assertThat(report.problem()).as("tampering must be detected").isPresent();
        return report.problem().get();
    }

    @Test
    void intactChainWithCheckpointsVerifies() {
        chainWithCheckpoint(6);
        audit.append(event("after", "MSG-7", "after the checkpoint"));
        assertThat(checkpoints.write()).isPresent();
        ChainVerifier.Report report = keys.verify(database(), audit);
        assertThat(report.problem()).isEmpty();
        assertThat(report.records()).isEqualTo(7);
        assertThat(report.checkpoints()).isEqualTo(2);
        assertThat(report.head().seq()).isEqualTo(7);
    }

    @Test
    void noCheckpointWhileTheHeadHasNotMoved() {
        assertThat(checkpoints.write()).as("empty log").isEmpty();
        chainWithCheckpoint(2);
        assertThat(checkpoints.write()).as("head unchanged").isEmpty();
        assertThat(checkpoints.all()).hasSize(1);
    }

    @Test
    void changedFieldIsNamed() {
        chainWithCheckpoint(8);
        db.execute("UPDATE audit_event SET purpose = 'another purpose' WHERE seq = 4");
        ChainProblem p = firstProblem();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.CHANGED);
        assertThat(p.seq()).isEqualTo(4);
        assertThat(p.message()).contains("record 4 ").contains("changed");
    }

    @Test
    void anEmptyFieldIsNotTheSameAsAnAbsentOne() {
        chainWithCheckpoint(3);
        db.execute("UPDATE audit_event SET legal_basis = '' WHERE seq = 2");
        assertThat(firstProblem()).extracting(ChainProblem::seq, ChainProblem::kind).containsExactly(2L, ChainProblem.Kind.CHANGED);
    }

    @Test
    void deletedMiddleRecordIsNamedAsMissing() {
        chainWithCheckpoint(8);
        db.execute("DELETE FROM audit_event WHERE seq = 5");
        ChainProblem p = firstProblem();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.MISSING);
        assertThat(p.seq()).isEqualTo(5);
        assertThat(p.message()).contains("record 5 is missing");
    }

    @Test
    void deletedTailIsDetectedByTheCheckpointEvenWithARewrittenHead() {
        chainWithCheckpoint(10);
        AuditRecord last = audit.range(8, 8).get(0);
        db.execute("DELETE FROM audit_event WHERE seq > 8");
        db.execute("UPDATE audit_head SET seq = 8, hash = '" + last.hash() + "' WHERE id = 1");
        assertThat(audit.verifyChain()).as("records and head alone look consistent").isEmpty();
        ChainProblem p = firstProblem();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.TRUNCATED);
        assertThat(p.seq()).isEqualTo(9);
        assertThat(p.message()).contains("records after 8 were removed").contains("record 10");
    }

    @Test
    void reorderedPairIsNamedAtTheFirstOfThem() {
        chainWithCheckpoint(6);
        // swap the whole content (event, time, links and hashes) of records 3 and 4, keeping their sequence numbers
        db.execute("UPDATE audit_event SET seq = -3 WHERE seq = 3");
        db.execute("UPDATE audit_event SET seq = 3 WHERE seq = 4");
        db.execute("UPDATE audit_event SET seq = 4 WHERE seq = -3");
        ChainProblem p = firstProblem();
        assertThat(p.seq()).isEqualTo(3);
        assertThat(p.kind()).isIn(ChainProblem.Kind.BROKEN_LINK, ChainProblem.Kind.CHANGED);
    }

    @Test
    void reorderedEventsWithTheirHashesLeftInPlaceAreNamed() {
        chainWithCheckpoint(6);
        db.execute("UPDATE audit_event SET message_id = CASE seq WHEN 3 THEN 'MSG-4' ELSE 'MSG-3' END,"
                + " detail = CASE seq WHEN 3 THEN 'event 4' ELSE 'event 3' END WHERE seq IN (3, 4)");
        assertThat(firstProblem()).extracting(ChainProblem::seq, ChainProblem::kind).containsExactly(3L, ChainProblem.Kind.CHANGED);
    }

    @Test
    void checkpointSignedByAnotherKeyIsBad() {
        chainWithCheckpoint(4);
        audit.append(event("more", "MSG-5", "5"));
        assertThat(keys.forger(database(), audit).write()).isPresent();
        ChainProblem p = firstProblem();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
        assertThat(p.seq()).isEqualTo(5);
        assertThat(p.message()).contains("checkpoint of record 5").contains("not one of the gateway's signing certificates");
    }

    @Test
    void checkpointWithAnAlteredHeadHashIsBad() {
        chainWithCheckpoint(4);
        db.execute("UPDATE audit_checkpoint SET head_hash = '" + "e".repeat(64) + "'");
        ChainProblem p = firstProblem();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
        assertThat(p.message()).contains("signature does not verify");
    }

    @Test
    void checkpointMovedToAnotherRecordIsBad() {
        chainWithCheckpoint(4);
        db.execute("UPDATE audit_checkpoint SET head_seq = 3");
        assertThat(firstProblem().kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
    }

    @Test
    void checkpointOfAnotherGatewayIsBad() {
        chainWithCheckpoint(2);
        audit.append(event("more", "MSG-3", "3"));
        new Checkpoints(database(), audit, "DE", at -> keys.own, null, CLOCK, null).write();
        assertThat(firstProblem()).satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
            assertThat(p.message()).contains("signed for gateway DE");
        });
    }

    @Test
    void wholesaleReplacementFailsAgainstTheSignedCheckpoints() {
        chainWithCheckpoint(5);
        // the attacker rebuilds a consistent chain of other events, with a matching head: records and head verify
        db.execute("DELETE FROM audit_event");
        db.execute("UPDATE audit_head SET seq = 0, hash = '" + org.cmag.audit.AuditChain.GENESIS + "' WHERE id = 1");
        for (int i = 1; i <= 7; i++) {
            audit.append(event("rewritten", "OTHER-" + i, "nothing to see"));
        }
        assertThat(audit.verifyChain()).isEmpty();
        ChainProblem p = firstProblem();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.CHECKPOINT_MISMATCH);
        assertThat(p.seq()).isEqualTo(5);
        assertThat(p.message()).contains("record 5 is not the record the checkpoint of record 5");
    }

    @Test
    void offlineTrustAnchorAcceptsTheGatewaysCertificateAndRejectsAnother() {
        chainWithCheckpoint(3);
        ChainVerifier.Trust anchored = new ChainVerifier.Trust(AuditFixtures.GATEWAY, CheckpointTrust.anchor(keys.ca.certificate()));
        assertThat(new ChainVerifier(audit, Checkpoints.reader(database()), anchored).verify().problem()).isEmpty();
        ChainVerifier.Trust wrongAnchor = new ChainVerifier.Trust(AuditFixtures.GATEWAY, CheckpointTrust.anchor(keys.otherCa.certificate()));
        assertThat(new ChainVerifier(audit, Checkpoints.reader(database()), wrongAnchor).verify().problem())
                .hasValueSatisfying(p -> assertThat(p.message()).contains("does not chain to the trust anchor"));
    }

    @Test
    void verificationReadsInChunksAcrossManyRecords() {
        for (int i = 0; i < 45; i++) {
            audit.append(List.of(event("bulk", "B-" + i, "1"), event("bulk", "B-" + i, "2")).toArray(AuditEvent[]::new));
        }
        for (int i = 0; i < 50; i++) {
            AuditEvent[] batch = new AuditEvent[100];
            java.util.Arrays.setAll(batch, k -> event("bulk", "C", "x"));
            audit.append(batch);
        }
        checkpoints.write();
        db.execute("DELETE FROM audit_event WHERE seq = 2001");
        ChainProblem p = firstProblem();
        assertThat(p.seq()).isEqualTo(2001);
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.MISSING);
    }
}
