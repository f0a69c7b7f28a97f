package org.cmag.cases;

import static org.cmag.cases.CaseState.ACKNOWLEDGED;
import static org.cmag.cases.CaseState.ANSWERED;
import static org.cmag.cases.CaseState.CLOSED;
import static org.cmag.cases.CaseState.CONDITIONAL;
import static org.cmag.cases.CaseState.CORRECTION_REQUESTED;
import static org.cmag.cases.CaseState.DELIVERED;
import static org.cmag.cases.CaseState.FORWARDED;
import static org.cmag.cases.CaseState.IN_PROGRESS;
import static org.cmag.cases.CaseState.PARTIALLY_ANSWERED;
import static org.cmag.cases.CaseState.POSTPONED;
import static org.cmag.cases.CaseState.REFUSED;
import static org.cmag.cases.CaseState.SUBMITTED;
import static org.cmag.cases.CaseState.WITHDRAWN;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The assistance-case protocol as a table: for each event, the states it may come in and the state it leads to. The
 * same table serves both sides of a case (each side applies the messages it sends and receives). Pure Java.
 */
public final class CaseStateMachine {
    /** One row: in these states, this event leads to {@code to} (null: the state does not change). */
    public record Rule(Set<CaseState> from, CaseState to) {}

    private static final Set<CaseState> OPEN = EnumSet.of(SUBMITTED, DELIVERED, ACKNOWLEDGED, CORRECTION_REQUESTED, FORWARDED,
            IN_PROGRESS, PARTIALLY_ANSWERED, POSTPONED, CONDITIONAL);
    private static final Set<CaseState> WORKING = EnumSet.of(ACKNOWLEDGED, FORWARDED, IN_PROGRESS, PARTIALLY_ANSWERED);

    private static final Map<CaseEvent, Rule> RULES;

    static {
        Map<CaseEvent, Rule> r = new EnumMap<>(CaseEvent.class);
        r.put(CaseEvent.TRANSPORT_RECEIPT, new Rule(EnumSet.of(SUBMITTED), DELIVERED));
        // the acknowledgement can overtake the recording of the transport receipt
        r.put(CaseEvent.REQUEST_ACKNOWLEDGEMENT, new Rule(EnumSet.of(SUBMITTED, DELIVERED), ACKNOWLEDGED));
        r.put(CaseEvent.CORRECTION_REQUEST, new Rule(EnumSet.of(DELIVERED, ACKNOWLEDGED, IN_PROGRESS), CORRECTION_REQUESTED));
        r.put(CaseEvent.REQUEST_COMPLETION, new Rule(EnumSet.of(CORRECTION_REQUESTED), ACKNOWLEDGED));
        r.put(CaseEvent.FORWARDING_NOTICE, new Rule(EnumSet.of(ACKNOWLEDGED), FORWARDED));
        r.put(CaseEvent.WORK_STARTED, new Rule(EnumSet.of(ACKNOWLEDGED, FORWARDED, POSTPONED), IN_PROGRESS));
        // work already started goes on while a correction is pending (Naples II 9(5))
        r.put(CaseEvent.PARTIAL_RESPONSE, new Rule(union(WORKING, EnumSet.of(CORRECTION_REQUESTED, POSTPONED)), PARTIALLY_ANSWERED));
        r.put(CaseEvent.FINAL_RESPONSE, new Rule(union(WORKING, EnumSet.of(CORRECTION_REQUESTED, POSTPONED)), ANSWERED));
        r.put(CaseEvent.POSTPONEMENT_NOTICE, new Rule(WORKING, POSTPONED));
        r.put(CaseEvent.CONDITIONS_PROPOSAL, new Rule(union(WORKING, EnumSet.of(POSTPONED)), CONDITIONAL));
        r.put(CaseEvent.CONDITIONS_ACCEPTANCE, new Rule(EnumSet.of(CONDITIONAL), IN_PROGRESS));
        r.put(CaseEvent.REFUSAL, new Rule(EnumSet.of(DELIVERED, ACKNOWLEDGED, CORRECTION_REQUESTED, FORWARDED, IN_PROGRESS,
                PARTIALLY_ANSWERED, POSTPONED, CONDITIONAL), REFUSED));
        r.put(CaseEvent.WITHDRAWAL, new Rule(OPEN, WITHDRAWN));
        r.put(CaseEvent.REMINDER, new Rule(EnumSet.of(SUBMITTED, DELIVERED, ACKNOWLEDGED, CORRECTION_REQUESTED, FORWARDED, IN_PROGRESS,
                PARTIALLY_ANSWERED, POSTPONED, CONDITIONAL), null));
        r.put(CaseEvent.CLOSURE_NOTICE, new Rule(EnumSet.of(ANSWERED, REFUSED, PARTIALLY_ANSWERED), CLOSED));
        // consent for onward transfer or evidential use may be asked and decided after the case is closed
        r.put(CaseEvent.CONSENT_REQUEST, new Rule(EnumSet.of(PARTIALLY_ANSWERED, ANSWERED, CLOSED), null));
        r.put(CaseEvent.CONSENT_DECISION, new Rule(EnumSet.of(PARTIALLY_ANSWERED, ANSWERED, CLOSED), null));
        RULES = Collections.unmodifiableMap(r);
    }

    private static Set<CaseState> union(Set<CaseState> a, Set<CaseState> b) {
        EnumSet<CaseState> u = EnumSet.copyOf(a);
        u.addAll(b);
        return u;
    }

    /** The rule of an event (not for ASSISTANCE_REQUEST, which creates a case). */
    public Optional<Rule> rule(CaseEvent event) {
        return Optional.ofNullable(RULES.get(event));
    }

    /** The state a case is in after it is created by its request on this side. */
    public CaseState initial(CaseRole ourRole) {
        return ourRole == CaseRole.REQUESTING ? SUBMITTED : DELIVERED;
    }

    /**
     * The state after {@code event} in {@code current}, or a coded reject: {@code case_closed} for anything but consent
     * on a closed or withdrawn case, {@code case_transition_not_allowed} otherwise.
     */
    public CaseState next(CaseState current, CaseEvent event) {
        Rule rule = RULES.get(event);
        if (rule == null) {
            throw new GatewayException(ErrorCode.CASE_TRANSITION_NOT_ALLOWED, event + " does not apply to an existing case");
        }
        if (!rule.from().contains(current)) {
            if (!current.isOpen() && current != ANSWERED && current != REFUSED) {
                throw new GatewayException(ErrorCode.CASE_CLOSED, event + " is not accepted: the case is " + current);
            }
            throw new GatewayException(ErrorCode.CASE_TRANSITION_NOT_ALLOWED, event + " is not allowed while the case is " + current
                    + "; allowed in " + rule.from());
        }
        return rule.to() == null ? current : rule.to();
    }
}
