package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.cmag.cases.CaseStateMachine;
import org.cmag.cases.CaseStore;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.TestMessages;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.DeliveryAttempts;
import org.cmag.flow.IdempotentSubmissions;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.flow.OutboundMessage;
import org.cmag.flow.OutboundRecorder;
import org.cmag.flow.Recovery;
import org.cmag.messaging.RedeliveryPolicy;
import org.cmag.policy.Partner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit points of the exchange, Camel-free, on a real database: each recorder's transaction is all or nothing at
 * every one of its statements (a crash injected at each database interaction in turn leaves nothing of it, and the audit
 * chain intact; the retry after it succeeds), repeats are recognised, and what a crash leaves between two stores (the
 * database committed, the broker never got the message) is found by {@link Recovery} with the right queue and duplicate
 * id. Failed attempts are explained and end as dead letters that can be replayed.
 */
abstract class AbstractRecordersTest extends DatabaseBackedTest {
    static final Partner DE = TestMessages.de();

    /** A clock the test moves (recovery acts on messages overdue by the grace period). */
    static final class MovableClock extends Clock {
        private Instant now = NOW;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    MovableClock clock;

    @BeforeEach
    void clock() {
        clock = new MovableClock();
    }

    private AuditLog audit(Database db) {
        return new AuditLog(db, clock);
    }

    private OutboundRecorder outbound(Database db) {
        AuditLog audit = audit(db);
        return new OutboundRecorder(db, audit, new CaseStore(db, audit, new CaseStateMachine()), new HeldStore(db, audit),
                new ReceivedDataRegister(db, audit), "gw.outbound.", clock);
    }

    private InboundRecorder inbound(Database db) {
        AuditLog audit = audit(db);
        return new InboundRecorder(db, audit, new CaseStore(db, audit, new CaseStateMachine()), new ReceivedDataRegister(db, audit), clock);
    }

    private Recovery recovery(boolean callback) {
        return new Recovery(database(), audit(database()), clock, Duration.ofSeconds(60), 100, "gw.inbound.received",
                partner -> "gw.outbound." + partner, callback);
    }

    /** An assistance request to DE, sealed, as record-outbound receives it (with an Idempotency-Key and an onward transfer). */
    static OutboundMessage request(String id, String key) {
        String caseId = "CASE-NL-DE-" + id;
        OutboundMessage m = new OutboundMessage().partner(DE).request(TestMessages.exampleRequest())
                .identify(id, caseId, "ASSISTANCE_REQUEST", "VERIFICATION_OF_DECLARATION", "EU-515-97 art. 4", "RISK: verify origin")
                .evidence(EvidenceItem.of(id, caseId, "DE", EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, "<signed id='" + id + "'/>",
                        NOW, null))
                .sealed(("<ExchangeMessage><Header><MessageID>" + id + "</MessageID><RetentionUntil>2031-12-31</RetentionUntil></Header>"
                        + "<Body>sealed</Body></ExchangeMessage>").getBytes(StandardCharsets.UTF_8), "a".repeat(64));
        if (key != null) {
            m.submission(new OutboundMessage.Submission(key, "b".repeat(64)));
        }
        m.onwardTransfers().add(AuditEvent.ok("onward-transfer-consented", "gateway", "DE", id, caseId, "consent X"));
        return m;
    }

    /** A request from DE as processing has it before update-case: received (receipt row), decrypted, verified, validated. */
    InboundMessage received(String id) {
        return received(id, "DE");
    }

    /** As {@link #received(String)}, from {@code sender} (DE or GB of the packaged agreements), on a case of its own. */
    InboundMessage received(String id, String sender) {
        Partner partner = sender.equals("DE") ? DE
                : org.cmag.policy.PartnerRegistry.load(null, "NL", k -> null).require(sender, ErrorCode.UNKNOWN_PARTNER);
        ExchangeMessageType msg = TestMessages.translated(TestMessages.exampleRequest());
        msg.getHeader().setMessageID(id);
        String caseId = msg.getHeader().getConversationID() + (sender.equals("DE") ? "" : "-" + sender);
        String digest = (sender.equals("DE") ? "c" : "e").repeat(64);
        InboundMessage m = new InboundMessage().received(id, sender, digest, ("<sealed id='" + id + "'/>").getBytes(StandardCharsets.UTF_8));
        inbound(database()).receive(m, "<Receipt for='" + id + "' from='" + sender + "'/>");
        return m.partner(partner).validated(msg, caseId, "ASSISTANCE_REQUEST", "VERIFICATION_OF_DECLARATION", "EU-515-97 art. 4", "RISK")
                .evidence(EvidenceItem.of(id, caseId, sender, EvidenceItem.Direction.IN, EvidenceItem.Kind.MESSAGE,
                        "<verified id='" + id + "'/>", NOW, null))
                .receivedData(List.of(new ReceivedDataRegister.Received(id, sender, caseId, "ASSISTANCE_REQUEST", "/Declaration/ID", "MRN-1",
                        "NOT_PERMITTED", null, NOW)), AuditEvent.ok("received-data-registered", "gateway", sender, id, caseId, "1 reference"));
    }

    long count(String sql, Object... args) {
        return database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    String column(String sql, Object... args) {
        return database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    List<String> auditTypes(String messageId) {
        return new AuditLog(database(), clock).forMessage(messageId).stream().map(r -> r.event().type()).toList();
    }

    /**
     * Runs {@code work} with a crash injected at each database interaction in turn until it completes: after every crash
     * {@code nothingLeft} must hold and the audit chain must verify. Returns how many interactions the work needs.
     */
    int crashAtEveryStep(Function<Database, Object> work, Runnable nothingLeft) {
        for (int k = 1; k < 200; k++) {
            CrashingConnections crash = new CrashingConnections(k);
            try {
                work.apply(database().decorated(crash));
            } catch (GatewayException e) {
                assertThat(crash.crashed()).as("failure at %d without the injected crash: %s", k, e.getMessage()).isTrue();
                assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                nothingLeft.run();
                assertThat(new AuditLog(database(), clock).verifyChain()).as("chain after a crash at %d", k).isEmpty();
                continue;
            }
            assertThat(crash.crashed()).as("completed although a crash was injected at %d", k).isFalse();
            return k - 1;
        }
        throw new AssertionError("the work never completed");
    }

    @Test
    void recordingASealedMessageIsAllOrNothingAtEveryStatementAndThenComplete() {
        int steps = crashAtEveryStep(db -> {
            outbound(db).record(request("NL-1", "key-1"));
            return null;
        }, () -> {
            assertThat(count("SELECT COUNT(*) FROM outbound_message")).isZero();
            assertThat(count("SELECT COUNT(*) FROM evidence_item")).isZero();
            assertThat(count("SELECT COUNT(*) FROM assistance_case")).isZero();
            assertThat(count("SELECT COUNT(*) FROM national_submission")).isZero();
            assertThat(count("SELECT COUNT(*) FROM audit_event")).isZero();
        });
        assertThat(steps).as("statements of the transaction, commit included").isGreaterThan(5);

        assertThat(column("SELECT status FROM outbound_message WHERE message_id = 'NL-1'")).isEqualTo("QUEUED");
        assertThat(column("SELECT idempotency_key FROM outbound_message WHERE message_id = 'NL-1'")).isEqualTo("key-1");
        assertThat(column("SELECT state FROM assistance_case WHERE case_id = 'CASE-NL-DE-NL-1'")).isEqualTo("SUBMITTED");
        assertThat(count("SELECT COUNT(*) FROM evidence_item WHERE message_id = 'NL-1'")).isEqualTo(1);
        assertThat(column("SELECT answer FROM national_submission WHERE idempotency_key = 'key-1'"))
                .contains("\"messageId\":\"NL-1\"").contains("\"status\":\"QUEUED\"");
        assertThat(auditTypes("NL-1")).containsExactly("submission-received", "message-translated", "policy-applied", "message-sealed",
                "message-queued", "case-opened", "onward-transfer-consented");
    }

    @Test
    void claimingAVerifiedMessageIsAllOrNothingAtEveryStatementAndARepeatRecordsNothingAgain() {
        InboundMessage m = received("DE-1");
        long before = count("SELECT COUNT(*) FROM audit_event");
        crashAtEveryStep(db -> inbound(db).claim(m), () -> {
            assertThat(count("SELECT COUNT(*) FROM inbound_message")).isZero();
            assertThat(column("SELECT state FROM inbound_receipt WHERE message_id = 'DE-1'")).isEqualTo("RECEIVED");
            assertThat(count("SELECT COUNT(*) FROM evidence_item")).isZero();
            assertThat(count("SELECT COUNT(*) FROM assistance_case")).isZero();
            assertThat(count("SELECT COUNT(*) FROM received_data")).isZero();
            assertThat(count("SELECT COUNT(*) FROM audit_event")).isEqualTo(before);
        });
        assertThat(m.claim()).isEqualTo(InboundMessage.Claim.NEW);
        assertThat(column("SELECT status FROM inbound_message WHERE message_id = 'DE-1'")).isEqualTo("PROCESSING");
        assertThat(column("SELECT state FROM inbound_receipt WHERE message_id = 'DE-1'")).isEqualTo("PROCESSED");
        assertThat(count("SELECT COUNT(*) FROM received_data WHERE message_id = 'DE-1'")).isEqualTo(1);
        // evidence: the verified message and our receipt
        assertThat(count("SELECT COUNT(*) FROM evidence_item WHERE message_id = 'DE-1'")).isEqualTo(2);
        long afterClaim = count("SELECT COUNT(*) FROM audit_event");

        InboundRecorder recorder = inbound(database());
        assertThat(recorder.claim(m)).as("processing redone before the hand-over").isEqualTo(InboundMessage.Claim.RESUMED);
        recorder.handedOver(m, "queue gw.national.inbound");
        recorder.handedOver(m, "queue gw.national.inbound");
        assertThat(column("SELECT status FROM inbound_message WHERE message_id = 'DE-1'")).isEqualTo("QUEUED_NATIONAL");
        assertThat(recorder.claim(m)).as("queued for national, delivery not confirmed").isEqualTo(InboundMessage.Claim.RESUMED);
        assertThat(recorder.delivered("DE", "DE-1", "callback answered HTTP 204")).isTrue();
        assertThat(recorder.delivered("DE", "DE-1", "again")).isFalse();
        assertThat(recorder.claim(m)).isEqualTo(InboundMessage.Claim.DONE);
        assertThat(column("SELECT status FROM inbound_message WHERE message_id = 'DE-1'")).isEqualTo("DELIVERED");
        assertThat(column("SELECT raw_message FROM inbound_receipt WHERE message_id = 'DE-1'")).as("raw copy dropped once final").isNull();
        assertThat(count("SELECT COUNT(*) FROM audit_event")).as("claim repeats record nothing; one queued, one delivered")
                .isEqualTo(afterClaim + 2);
        assertThat(count("SELECT COUNT(*) FROM received_data WHERE message_id = 'DE-1'")).isEqualTo(1);
        // the same message id from another sender is another message: it does not collide with DE's
        InboundMessage other = received("DE-1", "GB");
        assertThat(inbound(database()).claim(other)).isEqualTo(InboundMessage.Claim.NEW);
        assertThat(count("SELECT COUNT(*) FROM inbound_message WHERE message_id = 'DE-1'")).isEqualTo(2);
        // another content under DE's id gets its own receipt at the door; verified, its claim is a conflict
        InboundMessage changed = new InboundMessage().received("DE-1", "DE", "f".repeat(64), "<other/>".getBytes(StandardCharsets.UTF_8));
        assertThat(recorder.receive(changed, "<Receipt n='changed'/>").receiptXml()).isEqualTo("<Receipt n='changed'/>");
        changed.partner(DE).validated(m.message(), m.caseId(), m.messageType(), m.requestType(), m.legalBasis(), m.purpose())
                .evidence(m.evidence());
        assertThatThrownBy(() -> recorder.claim(changed)).isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).errorCode()).isEqualTo(ErrorCode.DUPLICATE_CONFLICT));
        assertThat(new AuditLog(database(), clock).verifyChain()).isEmpty();
    }

    @Test
    void theDoorStoresOneReceiptWithTheRawMessageAndARejectionIsKeptOnce() {
        InboundMessage m = new InboundMessage().received("DE-2", "DE", "d".repeat(64), "<raw/>".getBytes(StandardCharsets.UTF_8));
        InboundRecorder recorder = inbound(database());
        InboundRecorder.Stored first = recorder.receive(m, "<Receipt n='1'/>");
        InboundRecorder.Stored second = recorder.receive(m, "<Receipt n='2'/>");
        assertThat(first.pending()).isTrue();
        assertThat(second.receiptXml()).as("the race's loser answers with the stored receipt").isEqualTo("<Receipt n='1'/>");
        assertThat(recorder.load("DE", "DE-2", "d".repeat(64))).get().satisfies(r -> assertThat(new String(r.raw(), StandardCharsets.UTF_8)).isEqualTo("<raw/>"));
        assertThat(auditTypes("DE-2")).containsExactly("message-received");

        recorder.reject(m, "signature_invalid", "bad");
        recorder.reject(m, "signature_invalid", "bad");
        assertThat(count("SELECT COUNT(*) FROM inbound_rejection WHERE message_id = 'DE-2'")).isEqualTo(1);
        assertThat(column("SELECT state FROM inbound_receipt WHERE message_id = 'DE-2'")).isEqualTo("PROCESSED");
        assertThat(auditTypes("DE-2")).containsExactly("message-received", "message-rejected");
    }

    @Test
    void recoveryFindsARecordedMessageThatNeverReachedItsQueueAndSendsItUnderItsDuplicateId() {
        outbound(database()).record(request("NL-3", null));
        Recovery recovery = recovery(false);
        assertThat(recovery.pending(false)).as("not overdue yet").isEmpty();

        // a new process after a kill between the commit and the enqueue: everything recorded before it is sent again
        clock.advance(Duration.ofSeconds(5));
        Recovery afterRestart = recovery(false);
        List<Recovery.Resend> startup = afterRestart.pending(true);
        assertThat(startup).singleElement().satisfies(r -> {
            assertThat(r.queue()).isEqualTo("gw.outbound.DE");
            assertThat(r.duplicateId()).isEqualTo("NL-3");
            assertThat(r.headers()).containsEntry("GwMessageId", "NL-3").containsEntry("GwPartnerId", "DE").containsEntry("GwDigest", "a".repeat(64));
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("<MessageID>NL-3</MessageID>");
        });
        afterRestart.requeued(startup.get(0));
        assertThat(auditTypes("NL-3")).endsWith("message-requeued");

        // and continuously: a message overdue by more than the grace period, but not one just sent again
        clock.advance(Duration.ofSeconds(61));
        assertThat(afterRestart.pending(false)).isEmpty();
        clock.advance(Duration.ofSeconds(120));
        assertThat(afterRestart.pending(false)).extracting(Recovery.Resend::messageId).containsExactly("NL-3");
    }

    @Test
    void recoveryFindsReceivedMessagesNeverProcessedAndClaimedMessagesNeverHandedOver() {
        received("DE-4");
        InboundMessage claimed = received("DE-5");
        inbound(database()).claim(claimed);
        InboundMessage queued = received("DE-6");
        inbound(database()).claim(queued);
        inbound(database()).handedOver(queued, "national callback queue gw.national.callback");
        clock.advance(Duration.ofSeconds(5));

        List<Recovery.Resend> startup = recovery(false).pending(true);
        assertThat(startup).extracting(Recovery.Resend::messageId).containsExactlyInAnyOrder("DE-4", "DE-5");
        assertThat(startup).allSatisfy(r -> assertThat(r.queue()).isEqualTo("gw.inbound.received"));
        assertThat(startup).filteredOn(r -> r.messageId().equals("DE-4")).singleElement()
                .satisfies(r -> assertThat(r.duplicateId()).as("collapses with the door's send, if still queued")
                        .isEqualTo("DE:DE-4:" + "c".repeat(64)));
        assertThat(startup).filteredOn(r -> r.messageId().equals("DE-5")).singleElement()
                .satisfies(r -> assertThat(r.duplicateId()).as("a fresh processing").startsWith("DE:DE-5:" + "c".repeat(64) + "#resume-"));

        // with a national callback, a message on the callback queue with no attempt long past its due time comes back too
        clock.advance(Duration.ofSeconds(61));
        assertThat(recovery(true).pending(false)).extracting(Recovery.Resend::messageId).contains("DE-6");
        assertThat(recovery(false).pending(false)).extracting(Recovery.Resend::messageId).doesNotContain("DE-6");
    }

    @Test
    void failedAttemptsAreExplainedAndTheLastMakesADeadLetterThatCanBeReplayed() {
        outbound(database()).record(request("NL-7", null));
        RedeliveryPolicy.Settings three = new RedeliveryPolicy.Settings(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 0.2);
        DeliveryAttempts attempts = new DeliveryAttempts(database(), new AuditLog(database(), clock), clock);
        DeliveryAttempts.Outcome first = attempts.failed(DeliveryAttempts.Kind.OUTBOUND, "DE", "NL-7", "gw.outbound.DE", three, 1, "delivery_failed",
                "Connection refused", "{\"GwMessageId\":\"NL-7\"}", "<sealed/>");
        assertThat(first.describe()).isEqualTo("attempt 1 of 3, next retry in ~1.0s");
        clock.advance(Duration.ofSeconds(2));
        // the broker's count restarted after a broker restart: the row's count goes on
        DeliveryAttempts.Outcome second = attempts.failed(DeliveryAttempts.Kind.OUTBOUND, "DE", "NL-7", "gw.outbound.DE", three, 1, "delivery_failed",
                "HTTP 503", "{\"GwMessageId\":\"NL-7\"}", "<sealed/>");
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(column("SELECT status FROM outbound_message WHERE message_id = 'NL-7'")).isEqualTo("QUEUED");
        assertThat(column("SELECT last_error FROM outbound_message WHERE message_id = 'NL-7'")).isEqualTo("HTTP 503");
        clock.advance(Duration.ofSeconds(4));
        DeliveryAttempts.Outcome third = attempts.failed(DeliveryAttempts.Kind.OUTBOUND, "DE", "NL-7", "gw.outbound.DE", three, 3, "delivery_failed",
                "HTTP 502", "{\"GwMessageId\":\"NL-7\"}", "<sealed/>");
        assertThat(third.deadLettered()).isTrue();
        assertThat(column("SELECT status FROM outbound_message WHERE message_id = 'NL-7'")).isEqualTo("DEAD_LETTERED");
        DeadLetters deadLetters = new DeadLetters(database(), new AuditLog(database(), clock), clock);
        DeadLetterStore.DeadLetter d = deadLetters.list(DeadLetterStore.DEAD, 10).get(0);
        assertThat(d.messageId()).isEqualTo("NL-7");
        assertThat(d.reasonCode()).isEqualTo("delivery_failed");
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.firstFailureAt()).isEqualTo(NOW);
        assertThat(d.lastFailureAt()).isEqualTo(NOW.plusSeconds(6));
        assertThat(d.lastError()).isEqualTo("HTTP 502");
        assertThat(auditTypes("NL-7")).containsSubsequence("delivery-attempt", "delivery-attempt", "dead-lettered");

        deadLetters.requestReplay(d.id(), "operator on call");
        assertThatThrownBy(() -> deadLetters.requestReplay(d.id(), "again")).isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).errorCode()).isEqualTo(ErrorCode.DEAD_LETTER_NOT_DEAD));
        Recovery.Resend replay = deadLetters.replay(d.id(), null);
        assertThat(replay.queue()).isEqualTo("gw.outbound.DE");
        assertThat(replay.duplicateId()).as("a new generation: the broker still remembers the first send's id").isEqualTo("NL-7#1");
        assertThat(replay.headers()).containsEntry("GwMessageId", "NL-7");
        assertThat(new String(replay.body(), StandardCharsets.UTF_8)).isEqualTo("<sealed/>");
        assertThat(column("SELECT status FROM outbound_message WHERE message_id = 'NL-7'")).isEqualTo("QUEUED");
        assertThat(column("SELECT attempts FROM outbound_message WHERE message_id = 'NL-7'")).isEqualTo("0");
        assertThat(deadLetters.require(d.id()).state()).isEqualTo(DeadLetterStore.REPLAYED);
        assertThat(deadLetters.require(d.id()).replayedBy()).isEqualTo("operator on call");
        assertThat(auditTypes("NL-7")).containsSubsequence("dead-lettered", "dead-letter-replay-requested", "dead-letter-replayed");
        assertThatThrownBy(() -> deadLetters.replay(d.id(), "x")).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> deadLetters.replay(9999, "x")).isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).errorCode()).isEqualTo(ErrorCode.DEAD_LETTER_UNKNOWN));
        // a replay whose send was lost in a crash is found by recovery, under the new generation's id
        clock.advance(Duration.ofSeconds(61));
        assertThat(recovery(false).pending(false)).singleElement().satisfies(r -> assertThat(r.duplicateId()).isEqualTo("NL-7#1"));
        assertThat(new AuditLog(database(), clock).verifyChain()).isEmpty();
    }

    @Test
    void aRepeatedSubmissionGetsTheOriginalAnswerAndTwoAtOnceRecordOneMessage() throws Exception {
        outbound(database()).record(request("NL-8", "key-8"));
        IdempotentSubmissions submissions = new IdempotentSubmissions(new NationalSubmissions(database()));
        byte[] body = new byte[0];
        // the recorded submission's body digest is "b"*64 in this test; a lookup computes it from the body, so match it
        String answer = column("SELECT answer FROM national_submission WHERE idempotency_key = 'key-8'");
        database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE national_submission SET body_digest = ? WHERE idempotency_key = 'key-8'")) {
                ps.setString(1, org.cmag.crypto.Digests.sha256Hex(body));
                ps.executeUpdate();
            }
            return null;
        });
        assertThat(submissions.lookup("key-8", body).originalAnswer()).isEqualTo(answer);
        assertThatThrownBy(() -> submissions.lookup("key-8", "other".getBytes(StandardCharsets.UTF_8))).isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).errorCode()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT));
        assertThatThrownBy(() -> submissions.lookup("bad key", body)).isInstanceOf(GatewayException.class);
        assertThat(submissions.lookup(null, body).submission()).isNull();

        // two submissions with one key at once (both built before either was recorded): one message, one answer
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            OutboundMessage a = request("NL-9A", "key-9");
            OutboundMessage b = request("NL-9B", "key-9");
            List<Future<Object>> done = pool.invokeAll(List.<Callable<Object>>of(() -> {
                outbound(database()).record(a);
                return null;
            }, () -> {
                outbound(database()).record(b);
                return null;
            }));
            for (Future<Object> f : done) {
                f.get();
            }
            assertThat(count("SELECT COUNT(*) FROM outbound_message WHERE message_id IN ('NL-9A', 'NL-9B')")).isEqualTo(1);
            OutboundMessage loser = a.repeat() ? a : b;
            OutboundMessage winner = a.repeat() ? b : a;
            assertThat(winner.repeat()).isFalse();
            assertThat(loser.repeat()).isTrue();
            assertThat(loser.answer()).isEqualTo(winner.answer()).contains(winner.messageId());
            assertThat(auditTypes(loser.messageId())).isEmpty();
        } finally {
            pool.shutdownNow();
        }
        assertThat(new AuditLog(database(), clock).verifyChain()).isEmpty();
    }
}
