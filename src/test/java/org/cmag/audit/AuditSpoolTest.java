package org.cmag.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditRecord;
import org.cmag.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit spool on a real (H2) database: order, original time, exactly once across a crash between commit and delete. */
class AuditSpoolTest {
    @TempDir
    Path dir;
    Database database;
    AuditLog audit;

    @BeforeEach
    void open() {
        database = new Database("jdbc:h2:file:" + dir.resolve("db/cmag") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 4);
        audit = new AuditLog(database, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static AuditEvent refusal(int i) {
        return AuditEvent.rejected("submission-rejected", "national", "DE", "MSG-" + i, null, "storage_unavailable",
                "The database is not available; nothing was processed");
    }

    @Test
    void spooledRecordsReachTheChainInOrderWithTheirOriginalTimeAndTheirFilesGo() throws Exception {
        Clock then = Clock.fixed(Instant.parse("2026-03-01T10:15:30.123Z"), ZoneOffset.UTC);
        AuditSpool spool = new AuditSpool(dir.resolve("spool"), then);
        String first = spool.spool(refusal(1));
        spool.spool(refusal(2));
        spool.spool(refusal(3));
        assertThat(spool.pending()).isEqualTo(3);

        assertThat(spool.drain(database, audit)).isEqualTo(3);

        List<AuditRecord> all = audit.all();
        assertThat(all).extracting(r -> r.event().messageId()).containsExactly("MSG-1", "MSG-2", "MSG-3");
        assertThat(all.get(0).event().detail()).isEqualTo("[spool " + first + " at 2026-03-01T10:15:30.123Z] "
                + "The database is not available; nothing was processed");
        assertThat(all.get(0).event().errorCode()).isEqualTo("storage_unavailable");
        assertThat(audit.verifyChain()).isEmpty();
        assertThat(spool.pending()).isZero();
        assertThat(files(spool)).isEmpty();
    }

    @Test
    void aRecordAppendedBeforeACrashThatLeftItsFileIsRecognisedAndNotAppendedAgain() throws Exception {
        AuditSpool spool = new AuditSpool(dir.resolve("spool"), Clock.systemUTC());
        spool.spool(refusal(1));
        Path file = files(spool).get(0);
        byte[] content = Files.readAllBytes(file);
        assertThat(spool.drain(database, audit)).isEqualTo(1);
        // the crash: the append committed, the delete never happened
        Files.write(file, content);
        spool.spool(refusal(2));

        AuditSpool afterRestart = new AuditSpool(dir.resolve("spool"), Clock.systemUTC());
        assertThat(afterRestart.pending()).isEqualTo(2);
        assertThat(afterRestart.drain(database, audit)).as("only the new record is appended").isEqualTo(1);

        assertThat(audit.all()).extracting(r -> r.event().messageId()).containsExactly("MSG-1", "MSG-2");
        assertThat(audit.verifyChain()).isEmpty();
        assertThat(files(afterRestart)).isEmpty();
    }

    @Test
    void refusalsAreSpooledWhileTheDatabaseIsReportedDownAndAppendedWhenItIsBack() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        AuditSpool spool = new AuditSpool(dir.resolve("spool"), Clock.systemUTC());
        try (RefusalAudit refusals = new RefusalAudit(audit, spool, database, up::get, Duration.ofMillis(50), "T")) {
            refusals.record(refusal(1));
            refusals.record(refusal(2), new java.sql.SQLTransientConnectionException("cmag-db - Connection is not available"));
            assertThat(refusals.pending()).isEqualTo(2);
            assertThat(audit.all()).isEmpty();

            up.set(true);
            // a refusal caused by a failed connection skips the database even while it is reported up
            refusals.record(refusal(3), new java.sql.SQLTransientConnectionException("cmag-db - Connection is not available"));
            await().atMost(Duration.ofSeconds(5)).until(() -> refusals.pending() == 0);
            refusals.record(refusal(4));
            assertThat(audit.all()).extracting(r -> r.event().messageId()).containsExactly("MSG-1", "MSG-2", "MSG-3", "MSG-4");
            assertThat(audit.all().get(3).event().detail()).doesNotStartWith("[spool ");
            assertThat(audit.verifyChain()).isEmpty();
        }
    }

    private static List<Path> files(AuditSpool spool) throws Exception {
        try (Stream<Path> s = Files.list(spool.directory())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }
}
