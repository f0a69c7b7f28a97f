package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmag.audit.AuditChain;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence store, retention purge of evidence, legal holds and the policy/configuration history, against a real
 * database; run by {@link EvidenceStoreH2Test} and {@link EvidenceStorePostgresTest}.
 */
abstract class AbstractEvidenceStoreTest extends DatabaseBackedTest {
    private static final LocalDate EXPIRED = LocalDate.parse("2026-11-19");
    private static final LocalDate KEPT = LocalDate.parse("2026-11-20");

    AuditLog audit;
    EvidenceStore evidence;
    LegalHolds holds;

    @BeforeEach
    void newStores() {
        audit = new AuditLog(database(), CLOCK);
        evidence = new EvidenceStore(database());
        holds = new LegalHolds(database(), audit, CLOCK);
    }

    /** Stores an item with the audit record that carries its digest, in one transaction (as the stages do). */
    private EvidenceItem store(String messageId, String caseId, EvidenceItem.Direction direction, EvidenceItem.Kind kind, LocalDate until,
            Instant at) {
        EvidenceItem item = EvidenceItem.of(messageId, caseId, "DE", direction, kind, "<signed id='" + messageId + "'>" + kind + "</signed>",
                at, until);
        database().inTransaction(c -> {
            EvidenceStore.insert(c, item);
            AuditEvent e = AuditEvent.ok(item.auditEventType(), "gateway", "DE", messageId, caseId, null);
            audit.append(c, item.direction() == EvidenceItem.Direction.OUT && kind == EvidenceItem.Kind.RECEIPT
                    ? AuditEvent.ok(item.auditEventType(), "gateway", "DE", messageId, caseId, EvidenceItem.RECEIPT_DIGEST_NOTE + item.digest())
                    : e.withDigest(item.digest()));
            return null;
        });
        return item;
    }

    private void openCase(String caseId) {
        db.execute("INSERT INTO assistance_case (case_id, role, partner_id, request_type, legal_basis, purpose, request_message_id, state,"
                + " overdue, reminder_sent, created_at, updated_at) VALUES ('" + caseId + "', 'REQUESTING', 'DE', 'VERIFICATION_OF_DECLARATION',"
                + " 'EU-515-97 art. 4', 'RISK', 'M-" + caseId + "', 'SUBMITTED', FALSE, FALSE, TIMESTAMP '2026-01-01 00:00:00',"
                + " TIMESTAMP '2026-01-01 00:00:00')");
    }

    private RetentionPurge.Result purge() {
        return new RetentionPurge(database(), audit, CLOCK, Duration.ofDays(180)).run(false, "test");
    }

    @Test
    void storesItemsWithTheDigestOfTheirContentAndReadsThemByMessageCaseAndPeriod() {
        EvidenceItem sent = store("NL-1", "CASE-1", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, KEPT, NOW);
        store("NL-1", "CASE-1", EvidenceItem.Direction.IN, EvidenceItem.Kind.RECEIPT, KEPT, NOW.plusSeconds(1));
        store("DE-7", "CASE-2", EvidenceItem.Direction.IN, EvidenceItem.Kind.MESSAGE, null, NOW.plusSeconds(3600));

        assertThat(evidence.byMessage("NL-1")).extracting(EvidenceItem::label).containsExactly("OUT-MESSAGE", "IN-RECEIPT");
        EvidenceItem read = evidence.byMessage("NL-1").get(0);
        assertThat(read.content()).isEqualTo(sent.content());
        assertThat(read.digest()).isEqualTo(AuditChain.sha256Hex(sent.content().getBytes(StandardCharsets.UTF_8)));
        assertThat(read.retentionUntil()).isEqualTo(KEPT);
        assertThat(read.storedAt()).isEqualTo(NOW);
        assertThat(evidence.byCase("CASE-2")).extracting(EvidenceItem::messageId).containsExactly("DE-7");
        assertThat(evidence.byPeriod(NOW, NOW.plusSeconds(2))).extracting(EvidenceItem::messageId).containsExactly("NL-1", "NL-1");
        // each item's digest is on the audit record stored with it
        for (EvidenceItem i : evidence.byCase("CASE-1")) {
            assertThat(audit.forMessage("NL-1")).anySatisfy(r -> assertThat(i.matches(r.event())).isTrue());
        }
    }

    @Test
    void purgeRemovesExpiredContentKeepsRowsAndDigestsAuditsEachItemAndTheChainStillVerifies() {
        EvidenceItem old = store("NL-OLD", "CASE-1", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, EXPIRED, NOW);
        EvidenceItem oldReceipt = store("NL-OLD", "CASE-1", EvidenceItem.Direction.IN, EvidenceItem.Kind.RECEIPT, EXPIRED, NOW);
        store("NL-NEW", "CASE-1", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, KEPT, NOW);
        store("NL-FOREVER", "CASE-1", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, null, NOW);

        RetentionPurge.Result result = purge();

        assertThat(result.evidenceItems()).isEqualTo(2);
        List<EvidenceItem> purged = evidence.byMessage("NL-OLD");
        assertThat(purged).hasSize(2).allSatisfy(i -> {
            assertThat(i.content()).isNull();
            assertThat(i.purgedAt()).isEqualTo(NOW);
        });
        assertThat(purged).extracting(EvidenceItem::digest).containsExactly(old.digest(), oldReceipt.digest());
        assertThat(evidence.byMessage("NL-NEW").get(0).content()).isNotNull();
        assertThat(evidence.byMessage("NL-FOREVER").get(0).content()).isNotNull();
        assertThat(audit.forMessage("NL-OLD")).filteredOn(r -> r.event().type().equals("evidence-purged"))
                .extracting(r -> r.event().messageDigest()).containsExactly(old.digest(), oldReceipt.digest());
        assertThat(audit.verifyChain()).isEmpty();
        assertThat(AuditChain.check(audit.all(), 1, AuditChain.GENESIS)).isEmpty();
        // a second run finds nothing more
        assertThat(purge().evidenceItems()).isZero();
    }

    @Test
    void aCaseOnLegalHoldIsNeverPurgedUntilTheHoldIsReleased() {
        openCase("CASE-HELD");
        store("NL-H", "CASE-HELD", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, EXPIRED, NOW);
        store("NL-O", "CASE-OTHER", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, EXPIRED, NOW);
        new OutboundStore(database(), audit).recordSealed(new OutboundStore.Outbound("NL-H", "CASE-HELD", "DE", "ASSISTANCE_REQUEST", null, "L",
                "P", "a".repeat(64), "<sealed/>", NOW, "REST", EXPIRED), event("message-sealed", "NL-H", null));

        LegalHolds.Hold hold = holds.place("CASE-HELD", "court order 2026/17", "officer-1");
        assertThat(hold.active()).isTrue();
        assertThat(holds.active("CASE-HELD")).get().extracting(LegalHolds.Hold::placedBy).isEqualTo("officer-1");

        assertThat(purge().evidenceItems()).isEqualTo(1);
        assertThat(evidence.byMessage("NL-H").get(0).content()).isNotNull();
        assertThat(evidence.byMessage("NL-O").get(0).content()).isNull();
        assertThat(count("SELECT COUNT(*) FROM outbound_message WHERE message_id = 'NL-H' AND sealed_xml IS NOT NULL")).isEqualTo(1);

        LegalHolds.Hold released = holds.release("CASE-HELD", "officer-2");
        assertThat(released.active()).isFalse();
        assertThat(released.releasedBy()).isEqualTo("officer-2");
        assertThat(purge().evidenceItems()).isEqualTo(1);
        assertThat(evidence.byMessage("NL-H").get(0).content()).isNull();
        assertThat(count("SELECT COUNT(*) FROM outbound_message WHERE message_id = 'NL-H' AND sealed_xml IS NULL")).isEqualTo(1);
        assertThat(audit.all()).extracting(r -> r.event().type()).contains("legal-hold-placed", "legal-hold-released");
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void legalHoldsRefuseASecondHoldAReleaseWithoutHoldAndUnknownCases() {
        openCase("CASE-1");
        holds.place("CASE-1", "investigation", "officer");
        assertThat(catchThrowableOfType(() -> holds.place("CASE-1", "again", "officer"), GatewayException.class).errorCode())
                .isEqualTo(ErrorCode.LEGAL_HOLD_ACTIVE);
        holds.release("CASE-1", "officer");
        assertThat(catchThrowableOfType(() -> holds.release("CASE-1", "officer"), GatewayException.class).errorCode())
                .isEqualTo(ErrorCode.LEGAL_HOLD_ABSENT);
        assertThat(catchThrowableOfType(() -> holds.place("CASE-NONE", "x", "officer"), GatewayException.class).errorCode())
                .isEqualTo(ErrorCode.CASE_UNKNOWN);
        GatewayException blank = catchThrowableOfType(() -> holds.place("CASE-1", " ", "officer"), GatewayException.class);
        assertThat(blank.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(blank.pointer()).isEqualTo("reason");
        // refused attempts leave no audit record; the placed and released hold do
        assertThat(audit.all()).extracting(r -> r.event().type()).containsExactly("legal-hold-placed", "legal-hold-released");
        // a released case can be held again
        assertThat(holds.place("CASE-1", "new order", "officer").active()).isTrue();
    }

    @Test
    void agreementFilesAreRecordedOnceAndAChangedOneIsAuditedWithItsDigest(@TempDir Path dir) throws Exception {
        for (String f : new String[] {"DE.yaml", "GB.yaml"}) {
            Files.copy(Path.of("policies/partners", f), dir.resolve(f));
        }
        Map<String, String> config = new HashMap<>(Map.of("gateway.id", "NL", "gateway.pki.store-password", "changeit", "gateway.http.port", "8480",
                "gateway.db.url", "jdbc:postgresql://db/cmag?user=gw&password=s3cret"));
        PolicyVersions versions = new PolicyVersions(database(), audit, CLOCK);
        PartnerRegistry first = PartnerRegistry.load(dir, "NL", k -> null);
        versions.recordStart("NL", "none", first, config);
        versions.recordStart("NL", "none", first, config);

        assertThat(audit.all()).extracting(r -> r.event().type())
                .containsExactly("policy-loaded", "policy-loaded", "configuration-loaded", "configuration-loaded");
        String deDigest = first.find("DE").orElseThrow().policyDigest();
        assertThat(versions.versions("DE")).singleElement().satisfies(v -> {
            assertThat(v.sha256()).isEqualTo(deDigest);
            assertThat(AuditChain.sha256Hex(v.content().getBytes(StandardCharsets.UTF_8))).isEqualTo(deDigest);
        });
        assertThat(audit.all().get(3).event().detail()).contains("no keys changed");

        Files.writeString(dir.resolve("DE.yaml"), Files.readString(dir.resolve("DE.yaml")) + "\n# amended\n");
        config.put("gateway.http.port", "9000");
        config.put("gateway.pki.store-password", "other");
        PartnerRegistry changed = PartnerRegistry.load(dir, "NL", k -> null);
        versions.recordStart("NL", "none", changed, config);

        List<AuditRecord> all = audit.all();
        AuditRecord policyChanged = all.get(4);
        assertThat(policyChanged.event().type()).isEqualTo("policy-changed");
        assertThat(policyChanged.event().partnerId()).isEqualTo("DE");
        assertThat(policyChanged.event().messageDigest()).isEqualTo(changed.find("DE").orElseThrow().policyDigest());
        assertThat(policyChanged.event().detail()).contains("was sha256 " + deDigest);
        AuditRecord configLoaded = all.get(5);
        assertThat(configLoaded.event().type()).isEqualTo("configuration-loaded");
        // the changed key is named; the secret is neither named nor digested
        assertThat(configLoaded.event().detail()).contains("keys changed since the last start: gateway.http.port").doesNotContain("password");
        assertThat(versions.versions("DE")).hasSize(2);
        assertThat(count("SELECT COUNT(*) FROM configuration_snapshot WHERE key_digests LIKE '%password%' OR key_digests LIKE '%db.url%'"))
                .isZero();
        assertThat(audit.verifyChain()).isEmpty();
    }

    private int count(String sql) {
        return database().inTransaction(c -> {
            try (var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
