package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import org.cmag.crypto.DevPki;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
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
        assertThat(intact.out()).as("the shutdown checkpoint is the anchor").contains("anchor checked       record " + head + " signed at ")
                .contains(root.resolve("NL/audit/anchor.json").toString());
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
    void auditVerifyChecksTheChainAgainstItsAnchorAndNamesATailLostSinceThen() throws Exception {
        Path nl = root.resolve("NL");
        GatewayConfig config = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "NL", "gateway.data-dir", nl.toString(),
                "gateway.pki.dir", root.resolve("pki").toString()));
        new DevPki(root.resolve("pki"), Clock.systemUTC(), config.get("gateway.pki.store-password").toCharArray()).ensure(List.of("NL"));
        OwnKeys own = KeyStores.loadOwn(root.resolve("pki/NL.p12"), config.get("gateway.pki.store-password").toCharArray());
        try (Database db = Gateway.openDatabase(config, 2)) {
            AuditLog log = new AuditLog(db, Clock.systemUTC());
            Checkpoints checkpoints = Gateway.auditCheckpoints(config, db, log, own, Clock.systemUTC());
            for (int i = 1; i <= 10; i++) {
                log.append(AuditEvent.ok("test-event", "test", "DE", "NL-" + i, "CASE-1", "event " + i));
                if (i == 5 || i == 10) {
                    assertThat(checkpoints.write()).isPresent();
                }
            }
        }
        Path anchor = nl.resolve("audit/anchor.json");
        assertThat(anchor).as("the gateway's configured anchor file").exists();

        Run intact = cmag("audit", "verify");
        assertThat(intact.exit()).as(intact.out() + intact.err()).isZero();
        assertThat(intact.out()).contains("anchor checked       record 10 signed at ").contains("(" + anchor + ")")
                .contains("result               INTACT");

        // a crash lost the transactions after record 7: the records, the checkpoint of record 10, and the head went back
        try (Database db = Gateway.openDatabase(config, 2)) {
            String hash7 = new AuditLog(db, Clock.systemUTC()).range(7, 7).get(0).hash();
            db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM audit_event WHERE seq > 7")
                    + c.createStatement().executeUpdate("DELETE FROM audit_checkpoint WHERE head_seq > 7")
                    + c.createStatement().executeUpdate("UPDATE audit_head SET seq = 7, hash = '" + hash7 + "' WHERE id = 1"));
        }
        Run truncated = cmag("audit", "verify");
        assertThat(truncated.exit()).as(truncated.out() + truncated.err()).isEqualTo(1);
        assertThat(truncated.out()).contains("anchor checked       record 10 signed at ")
                .contains("result               BROKEN at record 8 (truncated)")
                .contains("first problem        records after 7 were lost or removed: the anchor (checkpoint of record 10");
        assertThat(truncated.err()).startsWith("error audit_chain_invalid: records after 7 were lost or removed")
                .contains("the chain head is record 7").doesNotContain("Exception");

        // without the anchor the same database verifies: the anchor is what catches the loss
        Run unanchored = cmag("audit", "verify", "--set", "gateway.audit.anchor-file=" + root.resolve("elsewhere/anchor.json"));
        assertThat(unanchored.exit()).as(unanchored.out()).isZero();
        assertThat(unanchored.out()).contains("anchor checked       none (no file " + root.resolve("elsewhere/anchor.json") + ")")
                .contains("result               INTACT");

        // an anchor named on the command line (a copy kept elsewhere) is checked the same way
        Path copy = Files.copy(anchor, root.resolve("anchor-copy.json"));
        Run named = cmag("audit", "verify", "--set", "gateway.audit.anchor-file=" + root.resolve("elsewhere/anchor.json"), "--anchor",
                copy.toString());
        assertThat(named.exit()).isEqualTo(1);
        assertThat(named.out()).contains("anchor checked       record 10 signed at ").contains("(truncated)");
        assertThat(cmag("audit", "verify", "--anchor", root.resolve("no-such-anchor.json").toString()).exit()).isEqualTo(2);
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
        assertThat(help.out()).contains("--trust-anchor PEM").contains("--anchor FILE");
    }
}
