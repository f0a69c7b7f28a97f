package org.cmag.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol table, written out independently of the implementation: every allowed (state, event) pair and where it
 * leads; every other pair must be rejected with a coded error.
 */
class CaseStateMachineTest {
    /** EVENT: states it is allowed in -> resulting state ("=" keeps the state). */
    static final String TABLE = """
            TRANSPORT_RECEIPT: SUBMITTED -> DELIVERED
            REQUEST_ACKNOWLEDGEMENT: SUBMITTED DELIVERED -> ACKNOWLEDGED
            CORRECTION_REQUEST: DELIVERED ACKNOWLEDGED IN_PROGRESS -> CORRECTION_REQUESTED
            REQUEST_COMPLETION: CORRECTION_REQUESTED -> ACKNOWLEDGED
            FORWARDING_NOTICE: ACKNOWLEDGED -> FORWARDED
            WORK_STARTED: ACKNOWLEDGED FORWARDED POSTPONED -> IN_PROGRESS
            PARTIAL_RESPONSE: ACKNOWLEDGED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED CORRECTION_REQUESTED POSTPONED -> PARTIALLY_ANSWERED
            FINAL_RESPONSE: ACKNOWLEDGED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED CORRECTION_REQUESTED POSTPONED -> ANSWERED
            POSTPONEMENT_NOTICE: ACKNOWLEDGED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED -> POSTPONED
            CONDITIONS_PROPOSAL: ACKNOWLEDGED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED POSTPONED -> CONDITIONAL
            CONDITIONS_ACCEPTANCE: CONDITIONAL -> IN_PROGRESS
            REFUSAL: DELIVERED ACKNOWLEDGED CORRECTION_REQUESTED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED POSTPONED CONDITIONAL -> REFUSED
            WITHDRAWAL: SUBMITTED DELIVERED ACKNOWLEDGED CORRECTION_REQUESTED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED POSTPONED CONDITIONAL -> WITHDRAWN
            REMINDER: SUBMITTED DELIVERED ACKNOWLEDGED CORRECTION_REQUESTED FORWARDED IN_PROGRESS PARTIALLY_ANSWERED POSTPONED CONDITIONAL -> =
            CLOSURE_NOTICE: ANSWERED REFUSED PARTIALLY_ANSWERED -> CLOSED
            CONSENT_REQUEST: PARTIALLY_ANSWERED ANSWERED CLOSED -> =
            CONSENT_DECISION: PARTIALLY_ANSWERED ANSWERED CLOSED -> =
            """;

    final CaseStateMachine machine = new CaseStateMachine();

    static Map<CaseEvent, Map<CaseState, CaseState>> expected() {
        Map<CaseEvent, Map<CaseState, CaseState>> table = new HashMap<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] head = line.strip().split(": ");
            String[] sides = head[1].split(" -> ");
            Map<CaseState, CaseState> row = new HashMap<>();
            for (String from : sides[0].split(" ")) {
                CaseState f = CaseState.valueOf(from);
                row.put(f, sides[1].equals("=") ? f : CaseState.valueOf(sides[1]));
            }
            table.put(CaseEvent.valueOf(head[0]), row);
        }
        return table;
    }

    static Stream<Arguments> allowed() {
        List<Arguments> out = new ArrayList<>();
        expected().forEach((event, row) -> row.forEach((from, to) -> out.add(Arguments.of(from, event, to))));
        return out.stream();
    }

    static Stream<Arguments> forbidden() {
        Map<CaseEvent, Map<CaseState, CaseState>> table = expected();
        List<Arguments> out = new ArrayList<>();
        for (CaseEvent e : CaseEvent.values()) {
            if (e == CaseEvent.ASSISTANCE_REQUEST) {
                continue;
            }
            for (CaseState s : CaseState.values()) {
                if (!table.get(e).containsKey(s)) {
                    out.add(Arguments.of(s, e));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} --{1}--> {2}")
    @MethodSource("allowed")
    void everyAllowedTransitionLeadsWhereTheProtocolSays(CaseState from, CaseEvent event, CaseState to) {
        assertThat(machine.next(from, event)).isEqualTo(to);
    }

    @ParameterizedTest(name = "{0} --{1}--> rejected")
    @MethodSource("forbidden")
    void everyOtherTransitionIsRejectedWithACode(CaseState from, CaseEvent event) {
        assertThatThrownBy(() -> machine.next(from, event)).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                .isEqualTo(from == CaseState.CLOSED || from == CaseState.WITHDRAWN ? ErrorCode.CASE_CLOSED : ErrorCode.CASE_TRANSITION_NOT_ALLOWED));
    }

    @Test
    void theForbiddenTableIsNotEmptyAndCoversClosedCases() {
        assertThat(forbidden().count()).isGreaterThan(100);
        assertThat(forbidden().filter(a -> a.get()[0] == CaseState.CLOSED && a.get()[1] == CaseEvent.FINAL_RESPONSE)).hasSize(1);
    }

    @Test
    void aResponseToAClosedOrWithdrawnCaseIsRejectedAsClosed() {
        for (CaseState s : EnumSet.of(CaseState.CLOSED, CaseState.WITHDRAWN)) {
            assertThatThrownBy(() -> machine.next(s, CaseEvent.FINAL_RESPONSE)).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CASE_CLOSED));
        }
    }

    @Test
    void casesStartSubmittedOnTheRequestingSideAndDeliveredOnTheRequestedSide() {
        assertThat(machine.initial(CaseRole.REQUESTING)).isEqualTo(CaseState.SUBMITTED);
        assertThat(machine.initial(CaseRole.REQUESTED)).isEqualTo(CaseState.DELIVERED);
    }

    @Test
    void aFullConversationRunsThroughTheDesignStates() {
        CaseState s = machine.initial(CaseRole.REQUESTING);
        for (CaseEvent e : List.of(CaseEvent.TRANSPORT_RECEIPT, CaseEvent.REQUEST_ACKNOWLEDGEMENT, CaseEvent.WORK_STARTED,
                CaseEvent.PARTIAL_RESPONSE, CaseEvent.FINAL_RESPONSE, CaseEvent.CLOSURE_NOTICE)) {
            s = machine.next(s, e);
        }
        assertThat(s).isEqualTo(CaseState.CLOSED);
    }
}
