package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseEvent;
import org.cmag.cases.CaseRole;
import org.cmag.cases.CaseState;
import org.cmag.cases.CaseStateMachine;
import org.cmag.cases.CaseStore;
import org.cmag.cases.CaseTransition;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;

/** Assistance cases in the database: transitions, rejects that change nothing, concurrency, deadlines. */
abstract class AbstractCaseStoreTest extends DatabaseBackedTest {
    CaseStore store() {
        return new CaseStore(database(), new AuditLog(database(), CLOCK), new CaseStateMachine());
    }

    void open(CaseStore store, String caseId, CaseRole role, Instant due) {
        database().inTransaction(c -> {
            store.open(c, new AssistanceCase(caseId, role, "DE", "VERIFICATION_OF_DECLARATION", "EU-REG-515-97 art. 4", "verify value",
                    "MSG-" + caseId, null, null, false, due, due == null ? null : NOW.plus(Duration.ofDays(72)), null, NOW, NOW),
                    role == CaseRole.REQUESTING ? "OUT" : "IN", "test");
            return null;
        });
    }

    @Test
    void aRequestOpensTheCaseInItsInitialStateWithItsDeadline() {
        CaseStore store = store();
        open(store, "C1", CaseRole.REQUESTING, NOW.plus(Duration.ofDays(90)));

        AssistanceCase k = store.find("C1").orElseThrow();
        assertThat(k.state()).isEqualTo(CaseState.SUBMITTED);
        assertThat(k.dueAt()).isEqualTo(NOW.plus(Duration.ofDays(90)));
        assertThat(store.timeline("C1")).extracting(CaseTransition::event, CaseTransition::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ASSISTANCE_REQUEST", CaseState.SUBMITTED));
        assertThat(new AuditLog(database(), CLOCK).all()).extracting(r -> r.event().type()).containsExactly("case-opened");
    }

    @Test
    void messagesMoveTheCaseAndEachStepIsInTheTimelineAndTheAudit() {
        CaseStore store = store();
        open(store, "C2", CaseRole.REQUESTING, null);
        store.apply("C2", CaseEvent.TRANSPORT_RECEIPT, "DE", "MSG-C2", "IN", "DE", NOW, null);
        store.apply("C2", CaseEvent.REQUEST_ACKNOWLEDGEMENT, "DE", "A1", "IN", "DE", NOW, null);
        store.apply("C2", CaseEvent.POSTPONEMENT_NOTICE, "DE", "P1", "IN", "DE", NOW, LocalDate.of(2027, 1, 31));

        AssistanceCase k = store.find("C2").orElseThrow();
        assertThat(k.state()).isEqualTo(CaseState.POSTPONED);
        assertThat(k.postponedUntil()).isEqualTo(LocalDate.of(2027, 1, 31));
        assertThat(store.timeline("C2")).extracting(CaseTransition::seq).containsExactly(1, 2, 3, 4);
        assertThat(new AuditLog(database(), CLOCK).all()).extracting(r -> r.event().detail()).contains(
                "SUBMITTED -> DELIVERED by TRANSPORT_RECEIPT (IN)", "DELIVERED -> ACKNOWLEDGED by REQUEST_ACKNOWLEDGEMENT (IN)");
    }

    @Test
    void rejectedMessagesChangeNothing() {
        CaseStore store = store();
        open(store, "C3", CaseRole.REQUESTED, null);
        expect(() -> store.apply("NOPE", CaseEvent.FINAL_RESPONSE, "DE", "X", "OUT", "national", NOW, null), ErrorCode.CASE_UNKNOWN);
        expect(() -> store.apply("C3", CaseEvent.REQUEST_ACKNOWLEDGEMENT, "FR", "X", "OUT", "national", NOW, null),
                ErrorCode.CASE_COUNTERPART_MISMATCH);
        // the requested side cannot receive a refusal: refusals are sent by the requested side
        expect(() -> store.apply("C3", CaseEvent.REFUSAL, "DE", "X", "IN", "DE", NOW, null), ErrorCode.CASE_WRONG_SIDE);
        expect(() -> store.apply("C3", CaseEvent.FINAL_RESPONSE, "DE", "X", "OUT", "national", NOW, null),
                ErrorCode.CASE_TRANSITION_NOT_ALLOWED);
        store.apply("C3", CaseEvent.WITHDRAWAL, "DE", "W", "IN", "DE", NOW, null);
        expect(() -> store.apply("C3", CaseEvent.REQUEST_ACKNOWLEDGEMENT, "DE", "X", "OUT", "national", NOW, null), ErrorCode.CASE_CLOSED);

        assertThat(store.find("C3").orElseThrow().state()).isEqualTo(CaseState.WITHDRAWN);
        assertThat(store.timeline("C3")).hasSize(2);
    }

    @Test
    void concurrentMessagesForOneCaseApplyOneAfterTheOther() throws Exception {
        CaseStore store = store();
        open(store, "C4", CaseRole.REQUESTING, null);
        store.apply("C4", CaseEvent.TRANSPORT_RECEIPT, "DE", "MSG-C4", "IN", "DE", NOW, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<CaseState>> reminders = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                reminders.add(pool.submit(() -> store.apply("C4", CaseEvent.REMINDER, "DE", "R" + n, "OUT", "national", NOW, null)));
            }
            for (Future<CaseState> f : reminders) {
                assertThat(f.get()).isEqualTo(CaseState.DELIVERED);
            }
            // an acknowledgement and a withdrawal race: exactly one order wins, and the state agrees with the timeline
            Callable<String> ack = () -> attempt(() -> store.apply("C4", CaseEvent.REQUEST_ACKNOWLEDGEMENT, "DE", "A", "IN", "DE", NOW, null));
            Callable<String> withdraw = () -> attempt(() -> store.apply("C4", CaseEvent.WITHDRAWAL, "DE", "W", "OUT", "national", NOW, null));
            Future<String> a = pool.submit(ack);
            Future<String> w = pool.submit(withdraw);
            a.get();
            w.get();
        } finally {
            pool.shutdown();
        }
        List<CaseTransition> timeline = store.timeline("C4");
        assertThat(timeline).extracting(CaseTransition::seq).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, timeline.size()).boxed().toList());
        assertThat(timeline.size()).isBetween(43, 44);
        assertThat(store.find("C4").orElseThrow().state()).isEqualTo(timeline.get(timeline.size() - 1).to());
        assertThat(new AuditLog(database(), CLOCK).verifyChain()).isEmpty();
    }

    private static String attempt(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (GatewayException e) {
            return e.errorCode().code();
        }
    }

    @Test
    void openCasesPastTheirDeadlineAreFlaggedOverdueOnce() {
        CaseStore store = store();
        open(store, "C5", CaseRole.REQUESTED, NOW.plus(Duration.ofDays(90)));
        open(store, "C6", CaseRole.REQUESTING, NOW.plus(Duration.ofDays(90)));
        open(store, "C7", CaseRole.REQUESTED, NOW.plus(Duration.ofDays(90)));
        store.apply("C7", CaseEvent.REFUSAL, "DE", "R", "OUT", "national", NOW, null);

        assertThat(store.markOverdue(NOW.plus(Duration.ofDays(89)))).isEmpty();
        assertThat(store.markOverdue(NOW.plus(Duration.ofDays(91)))).containsExactlyInAnyOrder("C5", "C6");
        assertThat(store.markOverdue(NOW.plus(Duration.ofDays(92)))).isEmpty();
        assertThat(store.find("C5").orElseThrow().overdue()).isTrue();
        assertThat(store.find("C5").orElseThrow().state()).as("OVERDUE is a flag, not a state").isEqualTo(CaseState.DELIVERED);
        assertThat(store.find("C7").orElseThrow().overdue()).isFalse();
        assertThat(store.dueForReminder(NOW.plus(Duration.ofDays(73)))).extracting(AssistanceCase::caseId).containsExactly("C6");
    }

    private static void expect(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
    }
}
