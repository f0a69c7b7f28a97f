package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.transfer.ManualConsents;
import org.cmag.transfer.OnwardTransferCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The received-data register, transfer consents, the onward-transfer check on top of them and the retention purge,
 * against a real database; run by {@link RetentionStoresH2Test} and {@link RetentionStoresPostgresTest}.
 */
abstract class AbstractRetentionStoresTest extends DatabaseBackedTest {
    private static final LocalDate RETAINED_UNTIL = LocalDate.parse("2032-11-20");

    AuditLog audit;
    ReceivedDataRegister register;
    OnwardTransferCheck check;

    @BeforeEach
    void newStores() {
        audit = new AuditLog(database(), CLOCK);
        register = new ReceivedDataRegister(database(), audit);
        check = new OnwardTransferCheck(register);
    }

    private static ReceivedDataRegister.Received received(String messageId, String pointer, String reference, LocalDate until) {
        return new ReceivedDataRegister.Received(messageId, "DE", "CASE-NL-DE-1", "PARTIAL_RESPONSE", pointer, reference,
                "WITHIN_RECIPIENT_CUSTOMS", until, NOW);
    }

    private void registerDeMessage(String messageId, String reference, LocalDate until) {
        register.register(messageId, List.of(received(messageId, "/ExchangeMessage/Body/PartialResponse/Declaration[1]/ID", reference,
                until)), event("received-data-registered", messageId, null));
    }

    /** An outgoing message carrying one declaration with these references. */
    private static Document outgoing(String id, String functionalReference) {
        String xml = "<ExchangeMessage xmlns='urn:cmag:exchange:1'><Header/><Body><AssistanceRequest><RequestType>INFORMATION</RequestType>"
                + "<Declaration><FunctionalReferenceID>" + functionalReference + "</FunctionalReferenceID><ID>" + id + "</ID></Declaration>"
                + "</AssistanceRequest></Body></ExchangeMessage>";
        return new SecureXml().parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private int count(String sql) {
        return database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    // ------------------------------------------------------------------ register

    @Test
    void registeredReferencesAreFoundAndARepeatedRegistrationReplacesTheRows() {
        register.register("DE-1", List.of(received("DE-1", "/p/ID", "26DE0001", RETAINED_UNTIL), received("DE-1", "/p/FunctionalReferenceID",
                "LRN-DE-1", RETAINED_UNTIL)), event("received-data-registered", "DE-1", null));
        assertThat(register.findByReference(List.of("LRN-DE-1", "unrelated"))).singleElement().satisfies(r -> {
            assertThat(r.partnerId()).isEqualTo("DE");
            assertThat(r.messageId()).isEqualTo("DE-1");
            assertThat(r.onwardTransfer()).isEqualTo("WITHIN_RECIPIENT_CUSTOMS");
            assertThat(r.retentionUntil()).isEqualTo(RETAINED_UNTIL);
            assertThat(r.pointer()).isEqualTo("/p/FunctionalReferenceID");
        });

        // a delivery retried after an interruption registers the same message again: no duplicate rows
        register.register("DE-1", List.of(received("DE-1", "/p/ID", "26DE0001", RETAINED_UNTIL)), event("received-data-registered", "DE-1", null));
        assertThat(register.forMessage("DE-1")).extracting(ReceivedDataRegister.Received::reference).containsExactly("26DE0001");
        assertThat(audit.verifyChain()).isEmpty();
    }

    // ------------------------------------------------------------------ consents and the check

    @Test
    void dataFromDeGoesBackToDeButNotToAThirdAdministrationWithoutConsent() {
        registerDeMessage("DE-1", "26DE0001", RETAINED_UNTIL);

        assertThat(check.check(outgoing("26DE0001", "LRN-NL-7"), "DE")).as("back to the supplier").isEmpty();
        assertThat(check.check(outgoing("26NL0042", "LRN-NL-7"), "FR")).as("our own data").isEmpty();
        GatewayException refused = catchThrowableOfType(() -> check.check(outgoing("26DE0001", "LRN-NL-7"), "FR"), GatewayException.class);
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.ONWARD_TRANSFER_NOT_PERMITTED);
        assertThat(refused.errorCode().httpStatus()).isEqualTo(422);
        assertThat(refused.pointer()).isEqualTo("/ExchangeMessage/Body/AssistanceRequest/Declaration[1]/ID");
        assertThat(refused.detail()).contains("received from DE in message DE-1").contains("WITHIN_RECIPIENT_CUSTOMS").contains("FR")
                .doesNotContain("26DE0001");
    }

    @Test
    void aGrantedConsentDecisionFromTheSupplierAllowsTheTransferToTheRecipientItNames() {
        registerDeMessage("DE-1", "26DE0001", RETAINED_UNTIL);
        database().inTransaction(c -> {
            register.consentRequested(c, "NL-CR-1", "DE", " fr ", "DE-1", "CASE-NL-DE-1", "national", NOW);
            return null;
        });
        assertThat(register.consent("NL-CR-1")).get().extracting(ReceivedDataRegister.Consent::status).isEqualTo("REQUESTED");
        assertThat(catchThrowableOfType(() -> check.check(outgoing("26DE0001", "x"), "FR"), GatewayException.class))
                .as("a request is not a consent").isNotNull();

        // a decision from another administration than the one asked changes nothing
        assertThat(register.consentDecided("NL-CR-1", "BE", "GRANTED", "BE-D-1", NOW, event("consent-decided", "BE-D-1", null),
                event("consent-decision-unmatched", "BE-D-1", null))).isEmpty();
        assertThat(register.consentDecided("NL-CR-1", "DE", "GRANTED_WITH_CONDITIONS", "DE-D-1", NOW, event("consent-decided", "DE-D-1", null),
                event("consent-decision-unmatched", "DE-D-1", null))).get().satisfies(k -> {
                    assertThat(k.grants()).isTrue();
                    assertThat(k.recipientId()).isEqualTo("FR");
                });
        // the same decision delivered again (retried delivery) is still the decision
        assertThat(register.consentDecided("NL-CR-1", "DE", "GRANTED_WITH_CONDITIONS", "DE-D-1", NOW, event("consent-decided", "DE-D-1", null),
                event("consent-decision-unmatched", "DE-D-1", null))).isPresent();

        List<OnwardTransferCheck.Permitted> permitted = check.check(outgoing("26DE0001", "x"), "FR");
        assertThat(permitted).singleElement().satisfies(p -> {
            assertThat(p.consent().consentId()).isEqualTo("NL-CR-1");
            assertThat(p.describe()).contains("exchange consent NL-CR-1").contains("decision DE-D-1").doesNotContain("26DE0001");
        });
        assertThat(catchThrowableOfType(() -> check.check(outgoing("26DE0001", "x"), "BE"), GatewayException.class))
                .as("the consent names FR, not BE").isNotNull();
        assertThat(audit.all()).extracting(r -> r.event().type()).containsSubsequence("consent-decision-unmatched", "consent-decided");
    }

    @Test
    void aRefusedConsentKeepsTheTransferRefused() {
        registerDeMessage("DE-1", "26DE0001", RETAINED_UNTIL);
        database().inTransaction(c -> {
            register.consentRequested(c, "NL-CR-1", "DE", "FR", "DE-1", "CASE-NL-DE-1", "national", NOW);
            return null;
        });
        register.consentDecided("NL-CR-1", "DE", "REFUSED", "DE-D-1", NOW, event("consent-decided", "DE-D-1", null),
                event("consent-decision-unmatched", "DE-D-1", null));
        assertThat(catchThrowableOfType(() -> check.check(outgoing("26DE0001", "x"), "FR"), GatewayException.class).errorCode())
                .isEqualTo(ErrorCode.ONWARD_TRANSFER_NOT_PERMITTED);
    }

    @Test
    void aLegalOfficerRecordsAWrittenConsentForDataTheRegisterHolds() {
        ManualConsents manual = new ManualConsents(register, CLOCK);
        registerDeMessage("DE-1", "26DE0001", RETAINED_UNTIL);

        GatewayException unknown = catchThrowableOfType(() -> manual.record(new ManualConsents.Request("DE", "FR", "DE-404", "letter 1",
                "J. Jansen")), GatewayException.class);
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknown.pointer()).isEqualTo("/messageRef");
        assertThat(catchThrowableOfType(() -> manual.record(new ManualConsents.Request("BE", "FR", "DE-1", "letter 1", "J. Jansen")),
                GatewayException.class).errorCode()).as("DE-1 came from DE, not BE").isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(catchThrowableOfType(() -> manual.record(new ManualConsents.Request("DE", "de", "DE-1", "letter 1", "J. Jansen")),
                GatewayException.class).pointer()).isEqualTo("/to");
        assertThat(catchThrowableOfType(() -> manual.record(new ManualConsents.Request("DE", "FR", "DE-1", " ", "J. Jansen")),
                GatewayException.class).pointer()).isEqualTo("/reference");

        ReceivedDataRegister.Consent k = manual.record(new ManualConsents.Request("de", "fr", "DE-1", "letter GZD-2026-17", "J. Jansen"));
        assertThat(k.kind()).isEqualTo("MANUAL");
        assertThat(check.check(outgoing("26DE0001", "x"), "FR")).singleElement()
                .satisfies(p -> assertThat(p.describe()).contains("manual consent " + k.consentId()).contains("letter GZD-2026-17"));
        assertThat(audit.forMessage("DE-1")).extracting(r -> r.event().type()).contains("consent-recorded");
        assertThat(audit.forMessage("DE-1")).filteredOn(r -> r.event().type().equals("consent-recorded"))
                .singleElement().satisfies(r -> assertThat(r.event().actor()).isEqualTo("J. Jansen"));
    }

    // ------------------------------------------------------------------ purge

    @Test
    void thePurgeRemovesPayloadsAndRegisterRowsPastTheirRetentionDateAndKeepsDigestsAndTheAuditChain() {
        OutboundStore outbound = new OutboundStore(database(), audit);
        outbound.recordSealed(new OutboundStore.Outbound("NL-OLD", "C1", "DE", "ASSISTANCE_REQUEST", "ENQUIRY", "EU-REG-515-97 art. 4", "p",
                "a".repeat(64), "<sealed/>", NOW, "REST", LocalDate.parse("2027-01-31")), event("message-sealed", "NL-OLD", null));
        outbound.recordReceipt("NL-OLD", "<receipt/>", NOW, "REST", event("receipt-verified", "NL-OLD", null));
        outbound.recordSealed(new OutboundStore.Outbound("NL-NEW", "C2", "DE", "ASSISTANCE_REQUEST", "ENQUIRY", "EU-REG-515-97 art. 4", "p",
                "b".repeat(64), "<sealed/>", NOW, "REST", LocalDate.parse("2027-02-01")), event("message-sealed", "NL-NEW", null));
        registerDeMessage("DE-OLD", "26DE0001", LocalDate.parse("2027-01-31"));
        registerDeMessage("DE-NEW", "26DE0002", LocalDate.parse("2027-02-01"));
        new org.cmag.flow.InboundRecorder(database(), audit, new org.cmag.cases.CaseStore(database(), audit, new org.cmag.cases.CaseStateMachine()),
                new ReceivedDataRegister(database(), audit), CLOCK).reject(new org.cmag.flow.InboundMessage().received("DE-BAD", "DE",
                        "c".repeat(64), "<raw/>".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "signature_invalid", "bad");
        int before = audit.all().size();

        // 2027-02-01: retention up to and including 2027-01-31 has ended; rejected messages are kept 60 days
        Clock feb1 = Clock.fixed(Instant.parse("2027-02-01T00:30:00Z"), ZoneOffset.UTC);
        RetentionPurge purge = new RetentionPurge(database(), new AuditLog(database(), feb1), feb1, Duration.ofDays(60));
        RetentionPurge.Result dry = purge.run(true, "test");
        assertThat(dry).extracting(RetentionPurge.Result::outboundPayloads, RetentionPurge.Result::registerRows,
                RetentionPurge.Result::rejectedMessages).containsExactly(1, 1, 1);
        assertThat(count("SELECT COUNT(*) FROM outbound_message WHERE sealed_xml IS NOT NULL")).as("a dry run changes nothing").isEqualTo(2);
        assertThat(audit.all()).as("nor audits").hasSize(before);

        RetentionPurge.Result done = purge.run(false, "test");
        assertThat(done).extracting(RetentionPurge.Result::outboundPayloads, RetentionPurge.Result::registerRows,
                RetentionPurge.Result::rejectedMessages).containsExactly(1, 1, 1);
        assertThat(count("SELECT COUNT(*) FROM outbound_message WHERE message_id = 'NL-OLD' AND sealed_xml IS NULL AND receipt_xml IS NULL"
                + " AND sealed_digest = '" + "a".repeat(64) + "' AND status = 'DELIVERED' AND purged_at IS NOT NULL")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM outbound_message WHERE message_id = 'NL-NEW' AND sealed_xml IS NOT NULL")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM inbound_rejection WHERE raw_message IS NULL AND received_digest = '" + "c".repeat(64)
                + "' AND error_code = 'signature_invalid'")).isEqualTo(1);
        assertThat(register.forMessage("DE-OLD")).isEmpty();
        assertThat(register.forMessage("DE-NEW")).hasSize(1);
        assertThat(check.check(outgoing("26DE0001", "x"), "FR")).as("data past retention is no longer held").isEmpty();
        assertThat(catchThrowableOfType(() -> check.check(outgoing("26DE0002", "x"), "FR"), GatewayException.class)).isNotNull();

        assertThat(audit.all()).hasSize(before + 1).last().satisfies(r -> {
            assertThat(r.event().type()).isEqualTo("retention-purge");
            assertThat(r.event().detail()).contains("1 outbound").contains("1 received-data register rows").contains("1 rejected")
                    .doesNotContain("26DE0001");
        });
        assertThat(audit.verifyChain()).isEmpty();
        assertThat(audit.forMessage("NL-OLD")).extracting(r -> r.event().type()).containsExactly("message-sealed", "receipt-verified");

        assertThat(purge.run(false, "test")).as("nothing left to purge").extracting(RetentionPurge.Result::outboundPayloads,
                RetentionPurge.Result::registerRows, RetentionPurge.Result::rejectedMessages).containsExactly(0, 0, 0);
    }
}
