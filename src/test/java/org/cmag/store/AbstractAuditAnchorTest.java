package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.cmag.audit.AuditAnchor;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.ChainVerifier;
import org.cmag.audit.Checkpoint;
import org.cmag.audit.CheckpointJson;
import org.cmag.audit.Checkpoints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit tail protection: every checkpoint is also anchored in a file outside the database, and a chain that lost its
 * tail does not verify as intact. The loss is made as a crash that lost the last committed transactions (or an
 * attacker holding the database superuser) would leave it: the tail records and the checkpoints of them gone, the
 * head moved back (on PostgreSQL past the append-only triggers). Each case is also verified without the anchor - as
 * {@code audit verify} did before - to show that it is the anchor that catches it. Run by {@link AuditAnchorH2Test} and
 * {@link AuditAnchorPostgresTest}.
 */
abstract class AbstractAuditAnchorTest extends DatabaseBackedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditFixtures keys = new AuditFixtures();
    @TempDir
    Path files;
    private int gateways;
    private AuditLog audit;
    private AuditAnchor anchor;
    private Checkpoints checkpoints;

    @BeforeEach
    void newLogAndAnchor() {
        audit = new AuditLog(database(), CLOCK);
        anchor = new AuditAnchor(files.resolve("gateway-" + ++gateways).resolve("audit/anchor.json"));
        checkpoints = keys.checkpoints(database(), audit, null, anchor);
    }

    private void append(int from, int to, String type) {
        for (int i = from; i <= to; i++) {
            audit.append(event(type, "MSG-" + i, type + " " + i));
        }
    }

    private Checkpoint anchored() throws AuditAnchor.Unreadable {
        return anchor.read().orElseThrow(() -> new AssertionError("no anchor file " + anchor.file()));
    }

    /** Records 1..10 with checkpoints after 5 and after 10: the anchor names record 10. */
    private void tenRecordsAnchoredAtTen() throws Exception {
        append(1, 5, "test-event");
        assertThat(checkpoints.write()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(5));
        assertThat(anchored().headSeq()).isEqualTo(5);
        append(6, 10, "test-event");
        assertThat(checkpoints.write()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(10));
        assertThat(anchored().headSeq()).as("the anchor moves with the chain").isEqualTo(10);
        assertThat(anchored().headHash()).isEqualTo(audit.range(10, 10).get(0).hash());
    }

    /** What a crash that lost the transactions after record {@code keep} leaves: those records and their checkpoints gone, the head at {@code keep}. */
    private void loseTailAfter(long keep) {
        AuditRecord last = audit.range(keep, keep).get(0);
        db.execute("DELETE FROM audit_event WHERE seq > " + keep);
        db.execute("DELETE FROM audit_checkpoint WHERE head_seq > " + keep);
        db.execute("UPDATE audit_head SET seq = " + keep + ", hash = '" + last.hash() + "' WHERE id = 1");
    }

    private ChainVerifier.Report withoutAnchor() {
        return keys.verify(database(), audit);
    }

    private ChainProblem problemAgainstTheAnchor() {
        ChainVerifier.Report report = keys.verify(database(), audit, anchor);
        assertThat(report.problem()).as("the anchor must reveal it").isPresent();
        return report.problem().get();
    }

    private Optional<ChainProblem> startUpCheck() {
        return anchor.check(audit, Checkpoints.reader(database()), keys.trust());
    }

    private void replaceAnchor(byte[] content) throws Exception {
        Files.write(anchor.file(), content);
    }

    @Test
    void intactChainVerifiesAgainstItsAnchor() throws Exception {
        tenRecordsAnchoredAtTen();
        append(11, 12, "after-the-checkpoint");
        ChainVerifier.Report report = keys.verify(database(), audit, anchor);
        assertThat(report.problem()).isEmpty();
        assertThat(report.anchor()).hasValueSatisfying(a -> assertThat(a.headSeq()).isEqualTo(10));
        assertThat(report.records()).isEqualTo(12);
        assertThat(startUpCheck()).isEmpty();
        // the anchor is the signed checkpoint itself, the same one the database holds
        Checkpoint inDatabase = Checkpoints.reader(database()).latest().orElseThrow();
        assertThat(anchored().signature()).isEqualTo(inDatabase.signature());
        assertThat(anchored().createdAt()).isEqualTo(inDatabase.createdAt());
    }

    @Test
    void noAnchorFileYetIsNotAProblem() {
        append(1, 3, "test-event");
        ChainVerifier.Report report = keys.verify(database(), audit, anchor);
        assertThat(report.problem()).isEmpty();
        assertThat(report.anchor()).isEmpty();
        assertThat(startUpCheck()).isEmpty();
        assertThat(Files.exists(anchor.file())).isFalse();
    }

    @Test
    void chainThatLostItsTailIsTruncatedAgainstTheAnchor() throws Exception {
        tenRecordsAnchoredAtTen();
        loseTailAfter(7);
        assertThat(withoutAnchor().problem()).as("records, head and the remaining checkpoint alone look intact").isEmpty();

        ChainProblem p = problemAgainstTheAnchor();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.TRUNCATED);
        assertThat(p.seq()).isEqualTo(8);
        assertThat(p.message()).contains("records after 7 were lost or removed").contains("the anchor (checkpoint of record 10")
                .contains("the chain head is record 7").contains(anchor.file().toString());
        assertThat(startUpCheck()).hasValueSatisfying(s -> {
            assertThat(s.kind()).isEqualTo(ChainProblem.Kind.TRUNCATED);
            assertThat(s.message()).contains("record 10").contains("the chain head is record 7");
        });

        // the gateway checkpoints again after the loss: the new checkpoint is stored, the anchor is not moved back
        assertThat(checkpoints.write()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(7));
        assertThat(anchored().headSeq()).isEqualTo(10);
        assertThat(problemAgainstTheAnchor().kind()).isEqualTo(ChainProblem.Kind.TRUNCATED);
    }

    @Test
    void sequenceNumbersReusedAfterALossMismatchTheAnchor() throws Exception {
        tenRecordsAnchoredAtTen();
        loseTailAfter(7);
        append(8, 12, "after-restart"); // the gateway goes on: records 8..12 again, with other content
        assertThat(checkpoints.write()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(12));
        assertThat(anchored().headSeq()).as("the anchor is kept as the evidence of the loss, not overwritten").isEqualTo(10);
        assertThat(withoutAnchor().problem()).as("a consistent chain with consistent checkpoints, without the anchor").isEmpty();

        ChainProblem p = problemAgainstTheAnchor();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.CHECKPOINT_MISMATCH);
        assertThat(p.seq()).isEqualTo(10);
        assertThat(p.message()).contains("record 10 is not the record the anchor (checkpoint of record 10").contains("sequence numbers reused");
        assertThat(startUpCheck()).hasValueSatisfying(s -> assertThat(s.kind()).isEqualTo(ChainProblem.Kind.CHECKPOINT_MISMATCH));
    }

    @Test
    void databaseThatLostItsNewestCheckpointsIsFlagged() throws Exception {
        tenRecordsAnchoredAtTen();
        db.execute("DELETE FROM audit_checkpoint WHERE head_seq >= 10");
        assertThat(withoutAnchor().problem()).isEmpty();

        ChainProblem p = problemAgainstTheAnchor();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.TRUNCATED);
        assertThat(p.seq()).isEqualTo(10);
        assertThat(p.message()).contains("the database holds no checkpoint at or after record 10");
        assertThat(startUpCheck()).hasValueSatisfying(s -> assertThat(s.message()).contains("no checkpoint at or after record 10"));
    }

    @Test
    void anchorWithAnAlteredHeadIsBad() throws Exception {
        tenRecordsAnchoredAtTen();
        Checkpoint original = anchored();
        ObjectNode altered = CheckpointJson.toJson(original);
        altered.put("headSeq", 50); // claims a longer chain
        replaceAnchor(JSON.writeValueAsBytes(altered));
        ChainProblem p = problemAgainstTheAnchor();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
        assertThat(p.message()).contains("the anchor (checkpoint of record 50").contains("its signature does not verify");
        assertThat(startUpCheck()).hasValueSatisfying(s -> assertThat(s.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT));

        altered = CheckpointJson.toJson(original);
        altered.put("headHash", "e".repeat(64));
        replaceAnchor(JSON.writeValueAsBytes(altered));
        assertThat(problemAgainstTheAnchor()).satisfies(q -> {
            assertThat(q.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
            assertThat(q.message()).contains("its signature does not verify");
        });
    }

    @Test
    void anchorSignedByAnotherKeyOrForAnotherGatewayIsBad() throws Exception {
        tenRecordsAnchoredAtTen();
        AuditRecord last = audit.range(10, 10).get(0);
        replaceAnchor(CheckpointJson.bytes(Checkpoint.sign(AuditFixtures.GATEWAY, 10, last.hash(), NOW, keys.attacker.key(),
                keys.attacker.certificate())));
        assertThat(problemAgainstTheAnchor()).satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
            assertThat(p.message()).contains("not one of the gateway's signing certificates");
        });

        replaceAnchor(CheckpointJson.bytes(Checkpoint.sign("DE", 10, last.hash(), NOW, keys.own.key(), keys.own.certificate())));
        assertThat(problemAgainstTheAnchor()).satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
            assertThat(p.message()).contains("signed for gateway DE");
        });
        assertThat(startUpCheck()).hasValueSatisfying(s -> assertThat(s.message()).contains("signed for gateway DE"));
    }

    @Test
    void anchorFileThatIsNoCheckpointIsBad() throws Exception {
        tenRecordsAnchoredAtTen();
        byte[] whole = Files.readAllBytes(anchor.file());
        replaceAnchor(Arrays.copyOf(whole, whole.length / 2)); // what a non-atomic writer killed half-way would leave
        ChainProblem p = problemAgainstTheAnchor();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
        assertThat(p.message()).contains("the anchor file " + anchor.file() + " is not a signed checkpoint");
        assertThat(keys.verify(database(), audit, anchor).anchor()).isEmpty();

        replaceAnchor("{\"format\":\"cmag-audit-checkpoint/1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(problemAgainstTheAnchor().message()).contains("field headSeq is missing");
        assertThat(startUpCheck()).hasValueSatisfying(s -> assertThat(s.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT));
        // and the gateway does not overwrite what it cannot read: it is kept for the investigation
        append(11, 11, "more");
        assertThat(checkpoints.write()).isPresent();
        assertThat(Files.readString(anchor.file())).isEqualTo("{\"format\":\"cmag-audit-checkpoint/1\"}");
    }
}
