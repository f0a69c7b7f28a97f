package org.cmag.protocol;

import org.cmag.national.JsonFields;
import static org.cmag.national.JsonFields.bool;
import static org.cmag.national.JsonFields.code;
import static org.cmag.national.JsonFields.codes;
import static org.cmag.national.JsonFields.date;
import static org.cmag.national.JsonFields.documents;
import static org.cmag.national.JsonFields.identifier;
import static org.cmag.national.JsonFields.objects;
import static org.cmag.national.JsonFields.onlyKnown;
import static org.cmag.national.JsonFields.text;
import static org.cmag.national.JsonFields.texts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cmag.cases.CaseEvent;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ConsentDecisionCode;
import org.cmag.exchange.v1.ConsentUseCode;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.exchange.v1.RefusalScopeCode;
import org.cmag.protocol.CaseMessage.ClosureNotice;
import org.cmag.protocol.CaseMessage.ConditionsAcceptance;
import org.cmag.protocol.CaseMessage.ConditionsProposal;
import org.cmag.protocol.CaseMessage.ConsentDecision;
import org.cmag.protocol.CaseMessage.ConsentRequest;
import org.cmag.protocol.CaseMessage.Correction;
import org.cmag.protocol.CaseMessage.CorrectionRequest;
import org.cmag.protocol.CaseMessage.FinalResponse;
import org.cmag.protocol.CaseMessage.ForwardingNotice;
import org.cmag.protocol.CaseMessage.PartialResponse;
import org.cmag.protocol.CaseMessage.PostponementNotice;
import org.cmag.protocol.CaseMessage.Refusal;
import org.cmag.protocol.CaseMessage.Reminder;
import org.cmag.protocol.CaseMessage.RequestAcknowledgement;
import org.cmag.protocol.CaseMessage.RequestCompletion;
import org.cmag.protocol.CaseMessage.Withdrawal;
import org.cmag.protocol.CaseMessage.WorkStarted;

/**
 * Parses and validates a national answer or action on an existing case ({@code {"type": "REFUSAL", ...}}) into a
 * {@link CaseMessage}. One JSON shape per type, documented as JSON Schema in
 * {@code schemas/national/case-message.schema.json} (a test keeps the two in step). Every reject names the field by
 * JSON pointer and carries a stable code: {@code malformed_json}, {@code missing_field}, {@code invalid_field},
 * {@code unknown_field}. Whether the message is allowed in the case's current state is not checked here.
 */
public final class ProtocolMessageParser {
    static final int TEXT = 4000;
    static final int NAME = 256;
    static final int POINTER = 512;
    static final int MAX_DOCUMENTS = 100;
    static final int MAX_CONDITIONS = 20;
    static final int MAX_GROUNDS = 20;
    static final int MAX_CORRECTIONS = 100;

    /** The grounds a national system may give: all but the gateway's own NOT_COVERED_BY_AGREEMENT. */
    static final Set<RefusalGroundCode> NATIONAL_GROUNDS =
            Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(RefusalGroundCode.NOT_COVERED_BY_AGREEMENT)));
    /** Grounds of a refusal: the national ones without the postponement ground. */
    static final Set<RefusalGroundCode> REFUSAL_GROUNDS = Collections.unmodifiableSet(EnumSet.complementOf(
            EnumSet.of(RefusalGroundCode.NOT_COVERED_BY_AGREEMENT, RefusalGroundCode.POSTPONE_ONGOING_PROCEEDINGS)));

    static final Set<String> CORRECTION_ITEM = Set.of("pointer", "reason");

    /** The accepted types and the fields of each (including "type"). */
    static final Map<CaseEvent, Set<String>> FIELDS;

    static {
        Map<CaseEvent, Set<String>> f = new EnumMap<>(CaseEvent.class);
        f.put(CaseEvent.REQUEST_ACKNOWLEDGEMENT, Set.of("type", "note", "expectedBy"));
        f.put(CaseEvent.CORRECTION_REQUEST, Set.of("type", "items"));
        f.put(CaseEvent.REQUEST_COMPLETION, Set.of("type", "factsSummary", "declarations", "wcoDeclarations"));
        f.put(CaseEvent.FORWARDING_NOTICE, Set.of("type", "forwardedTo", "note"));
        f.put(CaseEvent.WORK_STARTED, Set.of("type"));
        f.put(CaseEvent.PARTIAL_RESPONSE, Set.of("type", "summary", "declarations", "wcoDeclarations", "wcoResponses"));
        f.put(CaseEvent.FINAL_RESPONSE, Set.of("type", "summary", "declarations", "wcoDeclarations", "wcoResponses"));
        f.put(CaseEvent.POSTPONEMENT_NOTICE, Set.of("type", "ground", "postponedUntil", "reason"));
        f.put(CaseEvent.CONDITIONS_PROPOSAL, Set.of("type", "conditions"));
        f.put(CaseEvent.CONDITIONS_ACCEPTANCE, Set.of("type", "accepted", "note"));
        f.put(CaseEvent.REFUSAL, Set.of("type", "grounds", "reason", "scope", "partialScope"));
        f.put(CaseEvent.WITHDRAWAL, Set.of("type", "reason"));
        f.put(CaseEvent.REMINDER, Set.of("type", "note", "dueDate"));
        f.put(CaseEvent.CLOSURE_NOTICE, Set.of("type", "note"));
        f.put(CaseEvent.CONSENT_REQUEST, Set.of("type", "use", "recipient", "purpose", "messageRef"));
        f.put(CaseEvent.CONSENT_DECISION, Set.of("type", "requestRef", "decision", "conditions", "reason"));
        FIELDS = Collections.unmodifiableMap(f);
    }

    private final JsonFields json = new JsonFields();

    /** The accepted values of "type": every case event but ASSISTANCE_REQUEST and TRANSPORT_RECEIPT. */
    public static Set<CaseEvent> acceptedTypes() {
        return FIELDS.keySet();
    }

    public CaseMessage parse(byte[] body) {
        JsonNode root = json.readObject(body);
        CaseEvent type = type(root);
        onlyKnown(root, "", FIELDS.get(type));
        return switch (type) {
            case REQUEST_ACKNOWLEDGEMENT -> new RequestAcknowledgement(text(root, "", "note", false, TEXT), date(root, "", "expectedBy", false));
            case CORRECTION_REQUEST -> new CorrectionRequest(objects(root, "", "items", true, MAX_CORRECTIONS, (item, at) -> {
                onlyKnown(item, at, CORRECTION_ITEM);
                return new Correction(text(item, at, "pointer", true, POINTER), text(item, at, "reason", true, TEXT));
            }));
            case REQUEST_COMPLETION -> new RequestCompletion(text(root, "", "factsSummary", false, TEXT), declarations(root),
                    documents(root, "", "wcoDeclarations", MAX_DOCUMENTS, "WCO DEC-DMS"));
            case FORWARDING_NOTICE -> new ForwardingNotice(text(root, "", "forwardedTo", true, NAME), text(root, "", "note", false, TEXT));
            case WORK_STARTED -> new WorkStarted();
            case PARTIAL_RESPONSE -> new PartialResponse(text(root, "", "summary", true, TEXT), declarations(root),
                    documents(root, "", "wcoDeclarations", MAX_DOCUMENTS, "WCO DEC-DMS"),
                    documents(root, "", "wcoResponses", MAX_DOCUMENTS, "WCO RES-DMS"));
            case FINAL_RESPONSE -> new FinalResponse(text(root, "", "summary", true, TEXT), declarations(root),
                    documents(root, "", "wcoDeclarations", MAX_DOCUMENTS, "WCO DEC-DMS"),
                    documents(root, "", "wcoResponses", MAX_DOCUMENTS, "WCO RES-DMS"));
            case POSTPONEMENT_NOTICE -> {
                RefusalGroundCode ground = code(root, "", "ground", false, NATIONAL_GROUNDS);
                yield new PostponementNotice(ground == null ? RefusalGroundCode.POSTPONE_ONGOING_PROCEEDINGS : ground,
                        date(root, "", "postponedUntil", true), text(root, "", "reason", true, TEXT));
            }
            case CONDITIONS_PROPOSAL -> new ConditionsProposal(texts(root, "", "conditions", true, MAX_CONDITIONS, TEXT));
            case CONDITIONS_ACCEPTANCE -> new ConditionsAcceptance(bool(root, "", "accepted", true), text(root, "", "note", false, TEXT));
            case REFUSAL -> refusal(root);
            case WITHDRAWAL -> new Withdrawal(text(root, "", "reason", true, TEXT));
            case REMINDER -> new Reminder(text(root, "", "note", false, TEXT), date(root, "", "dueDate", false));
            case CLOSURE_NOTICE -> new ClosureNotice(text(root, "", "note", false, TEXT));
            case CONSENT_REQUEST -> new ConsentRequest(code(root, "", "use", true, EnumSet.allOf(ConsentUseCode.class)),
                    text(root, "", "recipient", false, NAME), text(root, "", "purpose", true, TEXT), identifier(root, "", "messageRef", true));
            case CONSENT_DECISION -> new ConsentDecision(identifier(root, "", "requestRef", true),
                    code(root, "", "decision", true, EnumSet.allOf(ConsentDecisionCode.class)),
                    texts(root, "", "conditions", false, MAX_CONDITIONS, TEXT), text(root, "", "reason", false, TEXT));
            default -> throw new IllegalStateException("no shape for " + type); // acceptedTypes() and this switch agree
        };
    }

    private static CaseEvent type(JsonNode root) {
        String t = text(root, "", "type", true, 40);
        if (t.equals(CaseEvent.ASSISTANCE_REQUEST.name())) {
            throw new GatewayException(ErrorCode.INVALID_FIELD,
                    "ASSISTANCE_REQUEST opens a case: submit it as an assistance request, not as a case message", "/type");
        }
        if (t.equals(CaseEvent.TRANSPORT_RECEIPT.name())) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "TRANSPORT_RECEIPT is recorded by the gateway, not sent by a national system",
                    "/type");
        }
        for (CaseEvent e : FIELDS.keySet()) {
            if (e.name().equals(t)) {
                return e;
            }
        }
        TreeSet<String> names = new TreeSet<>();
        FIELDS.keySet().forEach(e -> names.add(e.name()));
        throw new GatewayException(ErrorCode.INVALID_FIELD, "type '" + t + "' is not one of " + names, "/type");
    }

    private static Refusal refusal(JsonNode root) {
        JsonNode grounds = root.get("grounds");
        if (grounds != null && grounds.isArray()) {
            for (int i = 0; i < grounds.size(); i++) {
                if (RefusalGroundCode.NOT_COVERED_BY_AGREEMENT.name().equals(grounds.get(i).asText(null))) {
                    throw new GatewayException(ErrorCode.INVALID_FIELD,
                            "NOT_COVERED_BY_AGREEMENT is reserved for refusals the gateway makes itself", "/grounds/" + i);
                }
            }
        }
        // POSTPONE_ONGOING_PROCEEDINGS is read here and refused by the record, with a hint to send a postponement
        return new Refusal(codes(root, "", "grounds", true, MAX_GROUNDS, NATIONAL_GROUNDS), text(root, "", "reason", true, TEXT),
                code(root, "", "scope", true, EnumSet.allOf(RefusalScopeCode.class)), text(root, "", "partialScope", false, TEXT));
    }

    /** Declaration objects, checked field by field later when translated (pointers /declarations/i stay exact). */
    private static List<JsonNode> declarations(JsonNode root) {
        return objects(root, "", "declarations", false, MAX_DOCUMENTS, (n, at) -> n);
    }
}
