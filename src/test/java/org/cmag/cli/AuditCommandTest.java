package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.cmag.audit.Checkpoint;
import org.cmag.audit.Checkpoints;
import org.cmag.config.GatewayConfig;
import org.cmag.crypto.DevCertificates;
import org.cmag.demo.GatewayPair;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditRecord;
import org.cmag.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway checkpoints its audit chain on its timer and at shutdown, with its real development keys; then
 * {@code cmag audit verify} on its (H2) database: intact gives exit 0, a foreign trust anchor or a tampered record
 * gives exit 1 naming the record, bad usage exit 2.
 */
class AuditCommandTest {
    @TempDir
    Path root;

    record Run(int exit, String out, String err) {}

    private Run cmag(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "gateway.id=NL", "--set", "gateway.data-dir=" + root.resolve("NL"), "--set", "gateway.pki.dir=" + root.resolve("pki")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(all.toArray(String[]::new), new PrintStream(out), new PrintStream(err));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void gatewayCheckpointsItsChainAndAuditVerifyFindsItIntactThenNamesTheTamperedRecord() throws Exception {
        GatewayConfig config;
        long head;
        try (GatewayPair pair = new GatewayPair(root, Map.of("NL:gateway.audit.checkpoint-interval-seconds", "1")).start(Partner.Channel.REST)) {
            Gateway nl = pair.nl();
            config = nl.config();
            for (int i = 1; i <= 3; i++) {
                nl.audit().append(AuditEvent.ok("test-event", "test", "DE", "NL-" + i, "CASE-1", "event " + i));
            }
            long written = nl.audit().head().seq();
            Awaitility.await("timer checkpoint").atMost(Duration.ofSeconds(30))
                    .until(() -> nl.auditCheckpoints().latest().map(c -> c.headSeq() >= written).orElse(false));
            nl.audit().append(AuditEvent.ok("test-event", "test", "DE", "NL-4", "CASE-1", "after the timer's checkpoint"));
            head = nl.audit().head().seq();
        }
        try (Database db = Gateway.openDatabase(config, 2)) {
            Checkpoint last = Checkpoints.reader(db).latest().orElseThrow();
            assertThat(last.headSeq()).as("the shutdown checkpoint signs the final head").isEqualTo(head);
            assertThat(last.gatewayId()).isEqualTo("NL");
            assertThat(last.createdAt()).isAfter(Instant.now().minus(Duration.ofMinutes(5)));
        }

        Run intact = cmag("audit", "verify", "--by", "officer.k");
        assertThat(intact.exit()).as(intact.out() + intact.err()).isZero();
        assertThat(intact.out()).contains("audit chain of gateway NL").contains("records checked      " + head)
                .contains("head                 record " + head).contains("result               INTACT");
        assertThat(intact.out()).containsPattern("checkpoints checked  [2-9]");
        try (Database db = Gateway.openDatabase(config, 2)) {
            // the verification is itself on the log, chained after what it checked
            AuditRecord verified = new AuditLog(db, java.time.Clock.systemUTC()).all().get((int) head);
            assertThat(verified.seq()).isEqualTo(head + 1);
            assertThat(verified.event().type()).isEqualTo("audit-verified");
            assertThat(verified.event().actor()).isEqualTo("officer.k");
            assertThat(verified.event().outcome()).isEqualTo("OK");
            assertThat(verified.event().detail()).contains("intact").contains(head + " records");
        }

        Run anchored = cmag("audit", "verify", "--trust-anchor", root.resolve("pki/ca.crt").toString());
        assertThat(anchored.exit()).as(anchored.out() + anchored.err()).isZero();

        Path foreign = root.resolve("foreign-ca.pem");
        DevCertificates.writeCertificate(foreign, DevCertificates.newCa("CN=foreign CA", Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30))).certificate());
        Run untrusted = cmag("audit", "verify", "--trust-anchor", foreign.toString());
        assertThat(untrusted.exit()).isEqualTo(1);
        assertThat(untrusted.out()).contains("(bad checkpoint)").contains("does not chain to the trust anchor");
        assertThat(untrusted.err()).startsWith("error audit_chain_invalid: ");

        try (Database db = Gateway.openDatabase(config, 2)) {
            db.inTransaction(c -> c.createStatement().executeUpdate("UPDATE audit_event SET detail = 'forged' WHERE seq = 2"));
        }
        Run tampered = cmag("audit", "verify");
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.out()).contains("result               BROKEN at record 2 (changed)")
                .contains("first problem        record 2 was changed after it was written");
        assertThat(tampered.err()).isEqualTo("error audit_chain_invalid: record 2 was changed after it was written"
                + " (its content no longer hashes to its stored hash)" + System.lineSeparator());
        assertThat(tampered.err()).doesNotContain("Exception").doesNotContain("\tat ");
        try (Database db = Gateway.openDatabase(config, 2)) {
            List<AuditRecord> all = new AuditLog(db, java.time.Clock.systemUTC()).all();
            assertThat(all.get(all.size() - 1).event()).satisfies(e -> {
                assertThat(e.type()).isEqualTo("audit-verified");
                assertThat(e.outcome()).isEqualTo("REJECTED");
                assertThat(e.errorCode()).isEqualTo("audit_chain_invalid");
                assertThat(e.detail()).contains("record 2 was changed");
            });
        }
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(cmag("audit").exit()).isEqualTo(2);
        Run unknown = cmag("audit", "rewrite");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("audit takes verify, export or verify-bundle, not 'rewrite'");
        assertThat(cmag("audit", "verify", "extra").exit()).isEqualTo(2);
        Run help = cmag("audit", "verify", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--trust-anchor PEM");
    }
}
