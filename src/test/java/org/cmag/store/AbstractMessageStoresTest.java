package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundStore}, {@link InboundStore} and {@link Database} against a real database; run by
 * {@link MessageStoresH2Test} and {@link MessageStoresPostgresTest}.
 */
abstract class AbstractMessageStoresTest extends DatabaseBackedTest {
    private static final String DIGEST_A = "a".repeat(64);
    private static final String DIGEST_B = "b".repeat(64);

    AuditLog audit;
    OutboundStore outbound;
    InboundStore inbound;

    @BeforeEach
    void newStores() {
        audit = new AuditLog(database(), CLOCK);
        outbound = new OutboundStore(database(), audit);
        inbound = new InboundStore(database(), audit);
    }

    private static OutboundStore.Outbound sealed(String messageId) {
        return new OutboundStore.Outbound(messageId, "CASE-NL-DE-1", "DE", "ASSISTANCE_REQUEST", "ENQUIRY", "EU-REG-515-97 4",
                "verify origin", DIGEST_A, "<ExchangeMessage/>", NOW, "rest");
    }

    private <T> T queryOne(String sql, String arg, Class<T> type) {
        return database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("row for %s", arg).isTrue();
                    return rs.getObject(1, type);
                }
            }
        });
    }

    // ------------------------------------------------------------------ outbound

    @Test
    void recordSealedStoresQueuedMessageWithItsAuditEvents() {
        outbound.recordSealed(sealed("NL-1"), event("request-submitted", "NL-1", null), event("message-sealed", "NL-1", null));
        assertThat(outbound.status("NL-1")).contains("QUEUED");
        assertThat(outbound.receipt("NL-1")).isEmpty();
        assertThat(outbound.count("QUEUED")).isEqualTo(1);
        assertThat(queryOne("SELECT sealed_xml FROM outbound_message WHERE message_id = ?", "NL-1", String.class))
                .isEqualTo("<ExchangeMessage/>");
        assertThat(audit.forMessage("NL-1")).extracting(r -> r.event().type()).containsExactly("request-submitted", "message-sealed");
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void recordSealedTwiceFailsAndAuditsNothingMore() {
        outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", "first"));
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", "second")));
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.getCause()).isInstanceOfSatisfying(SQLException.class, s -> assertThat(Database.isUniqueViolation(s)).isTrue());
        assertThat(audit.forMessage("NL-1")).extracting(r -> r.event().detail()).containsExactly("first");
    }

    @Test
    void firstReceiptDeliversAndSecondIsANoOp() {
        outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", null));
        Instant at = NOW.plusSeconds(5);
        assertThat(outbound.recordReceipt("NL-1", "<Receipt n='1'/>", at, "soap", event("receipt-verified", "NL-1", "1"))).isTrue();
        assertThat(outbound.recordReceipt("NL-1", "<Receipt n='2'/>", at.plusSeconds(1), "rest",
                event("receipt-verified", "NL-1", "2"))).isFalse();

        assertThat(outbound.status("NL-1")).contains("DELIVERED");
        assertThat(outbound.receipt("NL-1")).contains("<Receipt n='1'/>");
        assertThat(queryOne("SELECT channel FROM outbound_message WHERE message_id = ?", "NL-1", String.class)).isEqualTo("soap");
        assertThat(audit.forMessage("NL-1")).extracting(r -> r.event().type()).containsExactly("message-sealed", "receipt-verified");
        assertThat(outbound.count("DELIVERED")).isEqualTo(1);
        assertThat(outbound.count("QUEUED")).isZero();
    }

    @Test
    void receiptForUnknownMessageChangesNothing() {
        assertThat(outbound.recordReceipt("NL-404", "<Receipt/>", NOW, "rest", event("receipt-verified", "NL-404", null))).isFalse();
        assertThat(outbound.status("NL-404")).isEmpty();
        assertThat(audit.all()).isEmpty();
    }

    @Test
    void markFailedSetsFailedAndAudits() {
        outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", null));
        outbound.markFailed("NL-1", AuditEvent.rejected("delivery-rejected", "DE", "DE", "NL-1", "CASE-NL-DE-1",
                "delivery_rejected", "partner said no"));
        assertThat(outbound.status("NL-1")).contains("FAILED");
        assertThat(outbound.count("FAILED")).isEqualTo(1);
        assertThat(audit.forMessage("NL-1")).last().satisfies(r -> {
            assertThat(r.event().outcome()).isEqualTo(AuditEvent.REJECTED);
            assertThat(r.event().errorCode()).isEqualTo("delivery_rejected");
        });
    }

    @Test
    void markFailedNeverDowngradesADeliveredMessage() {
        outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", null));
        outbound.recordReceipt("NL-1", "<Receipt/>", NOW, "rest", event("receipt-verified", "NL-1", null));
        outbound.markFailed("NL-1", AuditEvent.rejected("delivery-rejected", "DE", "DE", "NL-1", null, "delivery_rejected", "late"));
        assertThat(outbound.status("NL-1")).contains("DELIVERED");
        assertThat(outbound.receipt("NL-1")).contains("<Receipt/>");
    }

    @Test
    void receiptAfterFailureStillRecordsDelivery() {
        outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", null));
        outbound.markFailed("NL-1", AuditEvent.rejected("delivery-rejected", "DE", "DE", "NL-1", null, "delivery_rejected", "x"));
        assertThat(outbound.recordReceipt("NL-1", "<Receipt/>", NOW, "rest", event("receipt-verified", "NL-1", null))).isTrue();
        assertThat(outbound.status("NL-1")).contains("DELIVERED");
    }

    // ------------------------------------------------------------------ inbound receipts

    private org.cmag.flow.InboundRecorder recorder() {
        return new org.cmag.flow.InboundRecorder(database(), audit, new org.cmag.cases.CaseStore(database(), audit,
                new org.cmag.cases.CaseStateMachine()), new ReceivedDataRegister(database(), audit), CLOCK);
    }

    private static org.cmag.flow.InboundMessage arrived(String id, String digest) {
        return new org.cmag.flow.InboundMessage().received(id, "DE", digest, ("<m id='" + id + "'/>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void receiveTwiceReturnsTheFirstReceiptAndAuditsOnce() {
        var first = recorder().receive(arrived("DE-1", DIGEST_A), "<Receipt n='1'/>");
        var second = recorder().receive(arrived("DE-1", DIGEST_A), "<Receipt n='2'/>");
        assertThat(second).isEqualTo(first);
        assertThat(first.receivedDigest()).isEqualTo(DIGEST_A);
        assertThat(recorder().lookup("DE", "DE-1", DIGEST_A)).contains(first);
        // another content under the same id is another reception (verification decides): its own receipt
        assertThat(recorder().receive(arrived("DE-1", DIGEST_B), "<Receipt n='3'/>").receiptXml()).isEqualTo("<Receipt n='3'/>");
        assertThat(audit.forMessage("DE-1")).hasSize(2).first()
                .satisfies(r -> assertThat(r.event().detail()).contains(EvidenceItem.digest("<Receipt n='1'/>")));
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void concurrentReceptionsHaveOneWinnerThatEveryoneGetsBack() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<org.cmag.flow.InboundRecorder.Stored>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String receipt = "<Receipt n='" + t + "'/>";
                Callable<org.cmag.flow.InboundRecorder.Stored> call = () -> recorder().receive(arrived("DE-RACE", DIGEST_A), receipt);
                results.add(pool.submit(call));
            }
            List<org.cmag.flow.InboundRecorder.Stored> got = new ArrayList<>();
            for (Future<org.cmag.flow.InboundRecorder.Stored> f : results) {
                got.add(f.get(60, TimeUnit.SECONDS));
            }
            var stored = recorder().lookup("DE", "DE-RACE", DIGEST_A).orElseThrow();
            assertThat(got).containsOnly(stored);
            List<AuditRecord> events = audit.forMessage("DE-RACE");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).event().detail()).contains(EvidenceItem.digest(stored.receiptXml()));
            assertThat(audit.verifyChain()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lookupOfUnknownMessageIsEmpty() {
        assertThat(recorder().lookup("DE", "DE-404", DIGEST_A)).isEmpty();
        assertThat(recorder().load("DE", "DE-404", DIGEST_A)).isEmpty();
    }

    // ------------------------------------------------------------------ inbound rejections

    @Test
    void rejectKeepsTheRawMessageAndAuditsTheErrorCode() {
        String raw = "<ExchangeMessage xmlns=\"urn:cmag:exchange:1\">tampered \u00e9\u4e2d</ExchangeMessage>";
        recorder().reject(new org.cmag.flow.InboundMessage().received("DE-7", "DE", DIGEST_B, raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "signature_invalid", "digest mismatch");
        assertThat(queryOne("SELECT raw_message FROM inbound_rejection WHERE message_id = ?", "DE-7", String.class)).isEqualTo(raw);
        assertThat(queryOne("SELECT error_code FROM inbound_rejection WHERE message_id = ?", "DE-7", String.class))
                .isEqualTo("signature_invalid");
        assertThat(inbound.countRejections("signature_invalid")).isEqualTo(1);
        assertThat(inbound.countRejections("schema_invalid")).isZero();
        assertThat(audit.forMessage("DE-7")).singleElement().satisfies(r -> {
            assertThat(r.event().outcome()).isEqualTo(AuditEvent.REJECTED);
            assertThat(r.event().errorCode()).isEqualTo("signature_invalid");
        });
    }

    @Test
    void rejectWithoutMessageIdIsKeptToo() {
        recorder().reject(new org.cmag.flow.InboundMessage().received(null, null, null, "garbage<".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "xml_malformed", "not XML");
        recorder().reject(new org.cmag.flow.InboundMessage().received(null, null, null, "more garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "xml_malformed", "not XML");
        assertThat(inbound.countRejections("xml_malformed")).isEqualTo(2);
        assertThat(audit.all()).hasSize(2).allSatisfy(r -> assertThat(r.event().errorCode()).isEqualTo("xml_malformed"));
    }

    // ------------------------------------------------------------------ database

    @Test
    void inTransactionCommitsAndReturnsTheResult() {
        Integer n = database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = 7 WHERE id = 1")) {
                return ps.executeUpdate();
            }
        });
        assertThat(n).isEqualTo(1);
        Long seq = database().inTransaction(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT seq FROM audit_head WHERE id = 1")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(seq).isEqualTo(7L);
    }

    @Test
    void inTransactionWrapsSqlFailuresAsStorageUnavailable() {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM no_such_table")) {
                return ps.executeQuery();
            }
        }));
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getCause()).isInstanceOf(SQLException.class);
    }

    @Test
    void inTransactionRollsBackOnFailure() {
        RuntimeException e = catchThrowableOfType(RuntimeException.class, () -> database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = 99 WHERE id = 1")) {
                ps.executeUpdate();
            }
            throw new IllegalArgumentException("stop");
        }));
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(audit.verifyChain()).isEmpty();
    }

    @Test
    void reopeningMigratesNothingAndKeepsTheData() {
        outbound.recordSealed(sealed("NL-1"), event("message-sealed", "NL-1", null));
        String user = db.url.startsWith("jdbc:h2") ? "sa" : TestDatabase.PG_USER;
        try (Database again = new Database(db.url, user, "", 2)) {
            OutboundStore other = new OutboundStore(again, new AuditLog(again, CLOCK));
            assertThat(other.status("NL-1")).isEqualTo(Optional.of("QUEUED"));
        }
    }
}
