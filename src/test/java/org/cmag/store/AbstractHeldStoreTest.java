package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;

/** The held-message table: one decision per message, conditional updates, concurrent releases, no half-done claims. */
abstract class AbstractHeldStoreTest extends DatabaseBackedTest {
    static final List<HeldStore.Finding> FINDINGS = List.of(new HeldStore.Finding(
            "/ExchangeMessage/Body/AssistanceRequest/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Commodity/Description",
            "Description", "e-mail address"));

    HeldStore store() {
        return new HeldStore(database(), new AuditLog(database(), CLOCK));
    }

    AuditLog audit() {
        return new AuditLog(database(), CLOCK);
    }

    void hold(HeldStore store, String id) {
        store.hold(HeldStore.Held.of(id, "CASE-" + id, "DE", "ASSISTANCE_REQUEST", "VERIFICATION_OF_DECLARATION", "EU-REG-515-97 art. 4",
                "CUSTOMS_VALUE: verify", "REQ-0", LocalDate.of(2027, 1, 31), "national", FINDINGS, "<ExchangeMessage/>", NOW),
                event("held-for-release", id, HeldStore.describe(FINDINGS)));
    }

    /** A claim as record-outbound runs it: first in the transaction that records the sealed message. */
    void claim(HeldStore store, String id, String expected, String by) {
        database().inTransaction(c -> {
            store.claimRelease(c, id, expected, by, HeldStore.Mode.AS_IS, NOW, event("held-released", id, "by " + by));
            return null;
        });
    }

    @Test
    void aHeldMessageIsStoredWithEverythingSealingNeedsAndItsFindings() {
        HeldStore store = store();
        hold(store, "M1");

        HeldStore.Held h = store.require("M1");
        assertThat(h.status()).isEqualTo(HeldStore.HELD);
        assertThat(h.caseId()).isEqualTo("CASE-M1");
        assertThat(h.legalBasis()).isEqualTo("EU-REG-515-97 art. 4");
        assertThat(h.relatedRequestId()).isEqualTo("REQ-0");
        assertThat(h.postponedUntil()).isEqualTo(LocalDate.of(2027, 1, 31));
        assertThat(h.findings()).isEqualTo(FINDINGS);
        assertThat(h.heldAt()).isEqualTo(NOW);
        assertThat(h.decidedBy()).isNull();
        assertThat(store.list(HeldStore.HELD, 10)).extracting(HeldStore.Held::messageId).containsExactly("M1");
        assertThat(audit().all()).extracting(r -> r.event().detail()).containsExactly(
                "1 finding: e-mail address in " + FINDINGS.get(0).pointer());
        assertThatThrownBy(() -> store.require("NOPE")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.HELD_MESSAGE_UNKNOWN));
    }

    @Test
    void aMessageIsReleasedOnceAndAReleaseAfterARejectIsRefused() {
        HeldStore store = store();
        hold(store, "M2");
        hold(store, "M3");

        claim(store, "M2", HeldStore.HELD, "officer.a");
        HeldStore.Held released = store.require("M2");
        assertThat(released.status()).isEqualTo(HeldStore.RELEASED);
        assertThat(released.decidedBy()).isEqualTo("officer.a");
        assertThat(released.mode()).isEqualTo(HeldStore.Mode.AS_IS);
        expectNotPending(() -> claim(store, "M2", HeldStore.HELD, "officer.b"));
        expectNotPending(() -> store.reject("M2", "officer.b", "no", NOW, event("held-rejected", "M2", "no")));

        store.reject("M3", "officer.b", "not needed", NOW, event("held-rejected", "M3", "not needed"));
        assertThat(store.require("M3").status()).isEqualTo(HeldStore.REJECTED);
        assertThat(store.require("M3").reason()).isEqualTo("not needed");
        expectNotPending(() -> claim(store, "M3", HeldStore.HELD, "officer.a"));
        expectNotPending(() -> store.approveRelease("M3", "officer.a", HeldStore.Mode.MASK, NOW, event("x", "M3", "x")));
        assertThat(store.require("M2").decidedBy()).as("a refused decision changes nothing").isEqualTo("officer.a");
        assertThat(audit().all()).extracting(r -> r.event().type()).containsExactly("held-for-release", "held-for-release", "held-released",
                "held-rejected");
    }

    @Test
    void aReleaseApprovedOutsideTheGatewayIsClaimedOnceByTheDispatcherOrGoesBackToHeld() {
        HeldStore store = store();
        hold(store, "M4");
        hold(store, "M5");
        store.approveRelease("M4", "officer.c", HeldStore.Mode.MASK, NOW, event("held-release-approved", "M4", "by officer.c"));
        store.approveRelease("M5", "officer.c", HeldStore.Mode.AS_IS, NOW, event("held-release-approved", "M5", "by officer.c"));
        assertThat(store.approvedReleases()).containsExactly("M4", "M5");
        expectNotPending(() -> claim(store, "M4", HeldStore.HELD, "officer.d"));

        claim(store, "M4", HeldStore.RELEASING, null);
        HeldStore.Held m4 = store.require("M4");
        assertThat(m4.status()).isEqualTo(HeldStore.RELEASED);
        assertThat(m4.decidedBy()).as("the officer who decided, not the dispatcher").isEqualTo("officer.c");
        assertThat(m4.mode()).isEqualTo(HeldStore.Mode.MASK);

        assertThat(store.returnToHeld("M5", event("held-release-failed", "M5", "case moved"))).isTrue();
        assertThat(store.require("M5").status()).isEqualTo(HeldStore.HELD);
        assertThat(store.require("M5").decidedBy()).isNull();
        assertThat(store.returnToHeld("M4", event("held-release-failed", "M4", "x"))).as("a sent message stays RELEASED").isFalse();
        assertThat(store.approvedReleases()).isEmpty();
    }

    @Test
    void aClaimThatFailsLaterInItsTransactionLeavesTheMessageHeld() {
        HeldStore store = store();
        hold(store, "M6");
        assertThatThrownBy(() -> database().inTransaction(c -> {
            store.claimRelease(c, "M6", HeldStore.HELD, "officer.a", HeldStore.Mode.AS_IS, NOW, event("held-released", "M6", "x"));
            throw new GatewayException(ErrorCode.CASE_TRANSITION_NOT_ALLOWED, "the case moved on");
        })).isInstanceOf(GatewayException.class);
        assertThat(store.require("M6").status()).isEqualTo(HeldStore.HELD);
        assertThat(audit().all()).extracting(r -> r.event().type()).containsExactly("held-for-release");
    }

    @Test
    void aSecondReleaseWaitingOnTheFirstsRowLockFindsItClaimed() throws Exception {
        HeldStore store = store();
        hold(store, "M7");
        CountDownLatch claimed = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // the first keeps its claim uncommitted (as while recording the sealed message) until the second is blocked on it
            Future<String> first = pool.submit(() -> attempt(() -> database().inTransaction(c -> {
                store.claimRelease(c, "M7", HeldStore.HELD, "officer.a", HeldStore.Mode.AS_IS, NOW, event("held-released", "M7", "a"));
                claimed.countDown();
                await().atMost(Duration.ofSeconds(20)).until(this::blockedSessions, n -> n > 0);
                return null;
            })));
            claimed.await();
            Future<String> second = pool.submit(() -> attempt(() -> claim(store, "M7", HeldStore.HELD, "officer.b")));
            assertThat(List.of(first.get(), second.get())).containsExactly("ok", "held_not_pending");
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.require("M7").decidedBy()).isEqualTo("officer.a");
        assertThat(audit().all()).extracting(r -> r.event().type()).filteredOn("held-released"::equals).hasSize(1);
    }

    /** Sessions waiting for a lock another transaction holds. */
    int blockedSessions() {
        String sql = db.name().equals("H2") ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()";
        try (var c = database().dataSource().getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String attempt(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (GatewayException e) {
            return e.errorCode().code();
        }
    }

    private static void expectNotPending(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.HELD_NOT_PENDING));
    }
}
