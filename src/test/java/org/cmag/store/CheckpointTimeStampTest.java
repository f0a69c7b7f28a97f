package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.Checkpoint;
import org.cmag.audit.Checkpoints;
import org.cmag.audit.TimeStamper;
import org.cmag.error.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 3161 time-stamps of checkpoints against a real in-process TSA ({@link TestTsa}): a good token is stored and
 * verifies; a TSA that is unreachable, fails or answers another request leaves the checkpoint written without a token
 * and the failure audited; a token swapped in afterwards makes the checkpoint bad.
 */
class CheckpointTimeStampTest extends DatabaseBackedTest {
    private final AuditFixtures keys = new AuditFixtures();
    private TestTsa tsa;
    private AuditLog audit;

    @Override
    TestDatabase open(Path dir) {
        return TestDatabase.h2(dir);
    }

    @BeforeAll
    void startTsa() throws Exception {
        tsa = new TestTsa();
    }

    @AfterAll
    void stopTsa() {
        tsa.close();
    }

    @BeforeEach
    void goodTsa() {
        tsa.mode.set(TestTsa.Mode.GOOD);
        audit = new AuditLog(database(), CLOCK);
        audit.append(event("stamped", "M-1", "1"), event("stamped", "M-2", "2"));
    }

    private Checkpoints stamped(java.net.URI url) {
        return keys.checkpoints(database(), audit, new TimeStamper(url, Duration.ofSeconds(5)));
    }

    @Test
    void checkpointCarriesAVerifiedTokenOverItsSignature() {
        int before = tsa.requests.get();
        Checkpoint written = stamped(tsa.url()).write().orElseThrow();
        assertThat(tsa.requests.get()).isEqualTo(before + 1);
        Checkpoint stored = Checkpoints.reader(database()).latest().orElseThrow();
        assertThat(stored.timeStampToken()).isNotNull().isEqualTo(written.timeStampToken());
        assertThat(TimeStamper.check(stored.timeStampToken(), stored.signature())).isEmpty();
        assertThat(keys.verify(database(), audit).problem()).isEmpty();
    }

    @Test
    void unreachableTsaLeavesTheCheckpointWithoutTokenAndAuditsTheFailure() throws Exception {
        assertWrittenWithoutTokenAndAudited(stamped(TestTsa.unreachable()));
    }

    @Test
    void failingTsaLeavesTheCheckpointWithoutTokenAndAuditsTheFailure() {
        tsa.mode.set(TestTsa.Mode.ERROR);
        assertWrittenWithoutTokenAndAudited(stamped(tsa.url()));
    }

    @Test
    void tokenForAnotherRequestIsRefused() {
        tsa.mode.set(TestTsa.Mode.WRONG_IMPRINT);
        assertWrittenWithoutTokenAndAudited(stamped(tsa.url()));
    }

    private void assertWrittenWithoutTokenAndAudited(Checkpoints checkpoints) {
        Checkpoint written = checkpoints.write().orElseThrow();
        assertThat(written.timeStampToken()).isNull();
        assertThat(Checkpoints.reader(database()).all()).hasSize(1);
        AuditRecord failure = audit.all().get(audit.all().size() - 1);
        assertThat(failure.event().type()).isEqualTo("audit-checkpoint-timestamp");
        assertThat(failure.event().outcome()).isEqualTo(AuditEvent.FAILED);
        assertThat(failure.event().errorCode()).isEqualTo(ErrorCode.TIMESTAMP_UNAVAILABLE.code());
        assertThat(failure.event().detail()).contains("checkpoint of record 2 has no time-stamp");
        assertThat(keys.verify(database(), audit).problem()).isEmpty();
    }

    @Test
    void swappedTokenMakesTheCheckpointBad() {
        Checkpoints checkpoints = stamped(tsa.url());
        byte[] first = checkpoints.write().orElseThrow().timeStampToken();
        audit.append(event("stamped", "M-3", "3"));
        checkpoints.write().orElseThrow();
        db.execute("UPDATE audit_checkpoint SET timestamp_token = X'" + java.util.HexFormat.of().formatHex(first) + "' WHERE head_seq = 3");
        ChainProblem p = keys.verify(database(), audit).problem().orElseThrow();
        assertThat(p.kind()).isEqualTo(ChainProblem.Kind.BAD_CHECKPOINT);
        assertThat(p.seq()).isEqualTo(3);
        assertThat(p.message()).contains("time-stamp token is not over this checkpoint's signature");
    }
}
