package org.cmag.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cmag.cases.CaseEvent;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ConsentDecisionCode;
import org.cmag.exchange.v1.ConsentUseCode;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.exchange.v1.RefusalScopeCode;

/**
 * A national answer or action on an existing assistance case: one record per {@link CaseEvent} a national system may
 * cause (everything but ASSISTANCE_REQUEST, which creates a case, and TRANSPORT_RECEIPT). The records mirror the JSON
 * shapes of {@code schemas/national/case-message.schema.json}; their constructors enforce the rules that span fields
 * (e.g. a PARTIAL refusal names its partial scope) and reject with the JSON pointer of the field concerned, so a message
 * built directly in Java obeys the same rules as a parsed one. Lengths and patterns are checked by the parser and, for
 * what is sent, by schema validation on marshalling.
 *
 * <p>Declaration data ({@link #declarations()} national JSON, {@link #wcoDeclarations()} WCO DEC-DMS,
 * {@link #wcoResponses()} WCO RES-DMS) is carried untranslated: the caller translates it and adds it to the message DOM.
 */
public sealed interface CaseMessage {

    CaseEvent event();

    /** Whether this is sent to the partner as an exchange message; false for WORK_STARTED (a national action only). */
    default boolean isMessage() {
        return event().isMessage();
    }

    /** Declarations in the national JSON format (schemas/national/declaration.schema.json). */
    default List<JsonNode> declarations() {
        return List.of();
    }

    /** WCO DEC-DMS declarations as XML strings. */
    default List<String> wcoDeclarations() {
        return List.of();
    }

    /** WCO RES-DMS responses (notifications) as XML strings. */
    default List<String> wcoResponses() {
        return List.of();
    }

    /** Business acknowledgement of a received request. */
    record RequestAcknowledgement(String note, LocalDate expectedBy) implements CaseMessage {
        @Override
        public CaseEvent event() {
            return CaseEvent.REQUEST_ACKNOWLEDGEMENT;
        }
    }

    /** One thing the requesting side must correct or complete. */
    record Correction(String pointer, String reason) {}

    record CorrectionRequest(List<Correction> items) implements CaseMessage {
        public CorrectionRequest {
            items = list(items);
            if (items.isEmpty()) {
                throw missing("items needs at least one entry", "/items");
            }
            for (int i = 0; i < items.size(); i++) {
                required(items.get(i).pointer(), "/items/" + i + "/pointer");
                required(items.get(i).reason(), "/items/" + i + "/reason");
            }
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.CORRECTION_REQUEST;
        }
    }

    record RequestCompletion(String factsSummary, List<JsonNode> declarations, List<String> wcoDeclarations) implements CaseMessage {
        public RequestCompletion {
            declarations = list(declarations);
            wcoDeclarations = list(wcoDeclarations);
            if (factsSummary == null && declarations.isEmpty() && wcoDeclarations.isEmpty()) {
                throw missing("a request completion carries factsSummary, declarations or wcoDeclarations", "");
            }
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.REQUEST_COMPLETION;
        }
    }

    record ForwardingNotice(String forwardedTo, String note) implements CaseMessage {
        public ForwardingNotice {
            required(forwardedTo, "/forwardedTo");
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.FORWARDING_NOTICE;
        }
    }

    /** Work on the request has started: a national action recorded on our side, not sent to the partner. */
    record WorkStarted() implements CaseMessage {
        @Override
        public CaseEvent event() {
            return CaseEvent.WORK_STARTED;
        }
    }

    record PartialResponse(String summary, List<JsonNode> declarations, List<String> wcoDeclarations, List<String> wcoResponses)
            implements CaseMessage {
        public PartialResponse {
            required(summary, "/summary");
            declarations = list(declarations);
            wcoDeclarations = list(wcoDeclarations);
            wcoResponses = list(wcoResponses);
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.PARTIAL_RESPONSE;
        }
    }

    record FinalResponse(String summary, List<JsonNode> declarations, List<String> wcoDeclarations, List<String> wcoResponses)
            implements CaseMessage {
        public FinalResponse {
            required(summary, "/summary");
            declarations = list(declarations);
            wcoDeclarations = list(wcoDeclarations);
            wcoResponses = list(wcoResponses);
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.FINAL_RESPONSE;
        }
    }

    record PostponementNotice(RefusalGroundCode ground, LocalDate postponedUntil, String reason) implements CaseMessage {
        public PostponementNotice {
            if (ground == null) {
                throw missing("ground is required", "/ground");
            }
            if (postponedUntil == null) {
                throw missing("postponedUntil is required", "/postponedUntil");
            }
            required(reason, "/reason");
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.POSTPONEMENT_NOTICE;
        }
    }

    record ConditionsProposal(List<String> conditions) implements CaseMessage {
        public ConditionsProposal {
            conditions = list(conditions);
            if (conditions.isEmpty()) {
                throw missing("conditions needs at least one entry", "/conditions");
            }
            for (int i = 0; i < conditions.size(); i++) {
                required(conditions.get(i), "/conditions/" + i);
            }
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.CONDITIONS_PROPOSAL;
        }
    }

    record ConditionsAcceptance(boolean accepted, String note) implements CaseMessage {
        @Override
        public CaseEvent event() {
            return CaseEvent.CONDITIONS_ACCEPTANCE;
        }
    }

    /**
     * Refusal in whole or in part (DOMAIN.md section 7): at least one ground, never POSTPONE_ONGOING_PROCEEDINGS (that is a
     * postponement) and no ground twice; a reason always; partialScope exactly when the scope is PARTIAL.
     */
    record Refusal(List<RefusalGroundCode> grounds, String reason, RefusalScopeCode scope, String partialScope) implements CaseMessage {
        public Refusal {
            grounds = list(grounds);
            if (grounds.isEmpty()) {
                throw missing("grounds needs at least one refusal ground", "/grounds");
            }
            Set<RefusalGroundCode> seen = new HashSet<>();
            for (int i = 0; i < grounds.size(); i++) {
                RefusalGroundCode g = grounds.get(i);
                if (g == RefusalGroundCode.POSTPONE_ONGOING_PROCEEDINGS) {
                    throw invalid("POSTPONE_ONGOING_PROCEEDINGS is a postponement ground: send a POSTPONEMENT_NOTICE", "/grounds/" + i);
                }
                if (!seen.add(g)) {
                    throw invalid("ground " + g.value() + " is given twice", "/grounds/" + i);
                }
            }
            required(reason, "/reason");
            if (scope == null) {
                throw missing("scope is required (WHOLE or PARTIAL)", "/scope");
            }
            if (scope == RefusalScopeCode.PARTIAL) {
                if (partialScope == null || partialScope.isBlank()) {
                    throw missing("partialScope is required when scope is PARTIAL: say which part is refused", "/partialScope");
                }
            } else if (partialScope != null) {
                throw invalid("partialScope is only given when scope is PARTIAL", "/partialScope");
            }
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.REFUSAL;
        }
    }

    record Withdrawal(String reason) implements CaseMessage {
        public Withdrawal {
            required(reason, "/reason");
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.WITHDRAWAL;
        }
    }

    record Reminder(String note, LocalDate dueDate) implements CaseMessage {
        @Override
        public CaseEvent event() {
            return CaseEvent.REMINDER;
        }
    }

    record ClosureNotice(String note) implements CaseMessage {
        @Override
        public CaseEvent event() {
            return CaseEvent.CLOSURE_NOTICE;
        }
    }

    /** Asks for consent to a use beyond the agreement (DOMAIN.md section 8); an onward transfer names its recipient. */
    record ConsentRequest(ConsentUseCode use, String recipient, String purpose, String messageRef) implements CaseMessage {
        public ConsentRequest {
            if (use == null) {
                throw missing("use is required", "/use");
            }
            if (use == ConsentUseCode.ONWARD_TRANSFER && (recipient == null || recipient.isBlank())) {
                throw missing("recipient is required for an ONWARD_TRANSFER: say to whom the data would go", "/recipient");
            }
            required(purpose, "/purpose");
            required(messageRef, "/messageRef");
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.CONSENT_REQUEST;
        }
    }

    /** Conditions exactly when GRANTED_WITH_CONDITIONS; a reason when REFUSED (a refusal states its reasons). */
    record ConsentDecision(String requestRef, ConsentDecisionCode decision, List<String> conditions, String reason) implements CaseMessage {
        public ConsentDecision {
            required(requestRef, "/requestRef");
            if (decision == null) {
                throw missing("decision is required", "/decision");
            }
            conditions = list(conditions);
            if (decision == ConsentDecisionCode.GRANTED_WITH_CONDITIONS && conditions.isEmpty()) {
                throw missing("conditions are required when the decision is GRANTED_WITH_CONDITIONS", "/conditions");
            }
            if (decision != ConsentDecisionCode.GRANTED_WITH_CONDITIONS && !conditions.isEmpty()) {
                throw invalid("conditions are only given when the decision is GRANTED_WITH_CONDITIONS", "/conditions");
            }
            for (int i = 0; i < conditions.size(); i++) {
                required(conditions.get(i), "/conditions/" + i);
            }
            if (decision == ConsentDecisionCode.REFUSED && (reason == null || reason.isBlank())) {
                throw missing("reason is required when consent is REFUSED", "/reason");
            }
        }

        @Override
        public CaseEvent event() {
            return CaseEvent.CONSENT_DECISION;
        }
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    private static void required(String v, String pointer) {
        if (v == null || v.isBlank()) {
            throw missing(pointer.substring(1) + " is required", pointer);
        }
    }

    private static GatewayException missing(String detail, String pointer) {
        return new GatewayException(ErrorCode.MISSING_FIELD, detail, pointer);
    }

    private static GatewayException invalid(String detail, String pointer) {
        return new GatewayException(ErrorCode.INVALID_FIELD, detail, pointer);
    }
}
