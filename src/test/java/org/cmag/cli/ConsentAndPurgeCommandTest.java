package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.OutboundStore;
import org.cmag.store.ReceivedDataRegister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cmag consent record|list} and {@code cmag purge [--dry-run]} against a gateway's (H2) database, as operators run them. */
class ConsentAndPurgeCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private Run cmag(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--set";
        all[args.length + 1] = "gateway.db.url=" + url();
        int exit = Cli.run(all, new PrintStream(out), new PrintStream(err));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String url() {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("cmag");
    }

    @Test
    void aLegalOfficerRecordsAWrittenConsentAndTheListShowsIt() {
        try (Database db = new Database(url(), "sa", "", 2)) {
            AuditLog audit = new AuditLog(db, Clock.systemUTC());
            new ReceivedDataRegister(db, audit).register("DE-1", List.of(new ReceivedDataRegister.Received("DE-1", "DE", "CASE-1",
                    "FINAL_RESPONSE", "/ExchangeMessage/Body/FinalResponse/Declaration[1]/ID", "26DE1", "WITHIN_RECIPIENT_CUSTOMS",
                    LocalDate.now().plusYears(6), Instant.now())), AuditEvent.ok("received-data-registered", "gateway", "DE", "DE-1", "CASE-1", "1"));
        }
        Run unknown = cmag("consent", "record", "--from", "DE", "--to", "FR", "--message", "DE-2", "--reference", "letter 7", "--by", "J. Jansen");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("error not_found").contains("[at /messageRef]");
        assertThat(cmag("consent", "record", "--from", "DE", "--to", "FR", "--message", "DE-1").err()).contains("--reference is required");

        Run ok = cmag("consent", "record", "--from", "DE", "--to", "FR", "--message", "DE-1", "--reference", "letter 7", "--by", "J. Jansen");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("recorded consent MANUAL-").contains("DE allows what message DE-1 carried to go to FR");
        Run list = cmag("consent", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("MANUAL").contains("DE-1").contains("GRANTED");
    }

    @Test
    void purgeDryRunOnlyCountsThenPurgeRemovesThePayloadAndAuditsTheRun() {
        try (Database db = new Database(url(), "sa", "", 2)) {
            AuditLog audit = new AuditLog(db, Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC));
            new OutboundStore(db, audit).recordSealed(new OutboundStore.Outbound("NL-1", "C1", "DE", "ASSISTANCE_REQUEST", "ENQUIRY",
                    "EU-REG-515-97 art. 4", "p", "a".repeat(64), "<sealed/>", Instant.parse("2020-01-01T00:00:00Z"), "REST",
                    LocalDate.parse("2021-01-01")), AuditEvent.ok("message-sealed", "national", "DE", "NL-1", "C1", null));
        }
        Run dry = cmag("purge", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would purge the payloads of 1 outbound messages");
        Run purge = cmag("purge");
        assertThat(purge.exit()).as(purge.err()).isZero();
        assertThat(purge.out()).contains("purged the payloads of 1 outbound messages");
        assertThat(cmag("purge").out()).contains("purged the payloads of 0 outbound messages");

        try (Database db = new Database(url(), "sa", "", 2)) {
            AuditLog audit = new AuditLog(db, Clock.systemUTC());
            assertThat(audit.verifyChain()).isEmpty();
            assertThat(audit.all()).extracting(r -> r.event().type()).containsExactly("message-sealed", "retention-purge", "retention-purge");
            assertThat(audit.all().get(1).event().actor()).isEqualTo("operator (cmag purge)");
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT sealed_xml, sealed_digest FROM outbound_message WHERE message_id = 'NL-1'");
                        ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isNull();
                    assertThat(rs.getString(2)).isEqualTo("a".repeat(64));
                }
                return null;
            });
        }
    }

    @Test
    void caseHoldKeepsAnExpiredCaseFromThePurgeUntilReleaseHold() {
        try (Database db = new Database(url(), "sa", "", 2)) {
            AuditLog audit = new AuditLog(db, Clock.systemUTC());
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO assistance_case (case_id, role, partner_id, request_type, legal_basis,"
                        + " purpose, request_message_id, state, overdue, reminder_sent, created_at, updated_at) VALUES ('C1', 'REQUESTING', 'DE',"
                        + " 'ENQUIRY', 'L', 'P', 'NL-1', 'SUBMITTED', FALSE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
                    ps.executeUpdate();
                }
                return null;
            });
            new OutboundStore(db, audit).recordSealed(new OutboundStore.Outbound("NL-1", "C1", "DE", "ASSISTANCE_REQUEST", "ENQUIRY",
                    "EU-REG-515-97 art. 4", "p", "a".repeat(64), "<sealed/>", Instant.parse("2020-01-01T00:00:00Z"), "REST",
                    LocalDate.parse("2021-01-01")), AuditEvent.ok("message-sealed", "national", "DE", "NL-1", "C1", null));
        }
        assertThat(cmag("case", "hold", "--case", "C1").err()).contains("--reason is required");
        Run hold = cmag("case", "hold", "--case", "C1", "--reason", "court order 17", "--by", "J. Jansen");
        assertThat(hold.exit()).as(hold.err()).isZero();
        assertThat(hold.out()).contains("case C1 is on legal hold since").contains("court order 17");
        Run twice = cmag("case", "hold", "--case", "C1", "--reason", "again");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).startsWith("error legal_hold_active: Case C1 is already on legal hold");
        assertThat(cmag("purge").out()).contains("purged the payloads of 0 outbound messages");

        Run release = cmag("case", "release-hold", "--case", "C1", "--by", "J. Jansen");
        assertThat(release.exit()).as(release.err()).isZero();
        assertThat(release.out()).contains("legal hold released");
        assertThat(cmag("case", "release-hold", "--case", "C1").err()).startsWith("error legal_hold_absent:");
        assertThat(cmag("purge").out()).contains("purged the payloads of 1 outbound messages");
        try (Database db = new Database(url(), "sa", "", 2)) {
            AuditLog audit = new AuditLog(db, Clock.systemUTC());
            assertThat(audit.all()).extracting(r -> r.event().type() + " " + r.event().actor()).contains("legal-hold-placed J. Jansen",
                    "legal-hold-released J. Jansen");
            assertThat(audit.verifyChain()).isEmpty();
        }
    }
}
