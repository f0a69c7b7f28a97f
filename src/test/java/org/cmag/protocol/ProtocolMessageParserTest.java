package org.cmag.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cmag.protocol.CaseMessageExamples.JSON;
import static org.cmag.protocol.CaseMessageExamples.bytes;
import static org.cmag.protocol.CaseMessageExamples.example;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cmag.cases.CaseEvent;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ConsentDecisionCode;
import org.cmag.exchange.v1.ConsentUseCode;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.exchange.v1.RefusalScopeCode;
import org.cmag.protocol.CaseMessage.ConsentDecision;
import org.cmag.protocol.CaseMessage.ConsentRequest;
import org.cmag.protocol.CaseMessage.FinalResponse;
import org.cmag.protocol.CaseMessage.PostponementNotice;
import org.cmag.protocol.CaseMessage.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of national case messages, and every kind of reject with its code and JSON pointer. */
class ProtocolMessageParserTest {
    private final ProtocolMessageParser parser = new ProtocolMessageParser();

    static Stream<CaseEvent> acceptedTypes() {
        return ProtocolMessageParser.acceptedTypes().stream();
    }

    private CaseMessage parse(CaseEvent type, Consumer<ObjectNode> change) {
        return parser.parse(bytes(example(type, change)));
    }

    private GatewayException reject(byte[] body) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(body));
        assertThat(e).as("the parser must reject %s", new String(body, StandardCharsets.UTF_8)).isNotNull();
        return e;
    }

    private GatewayException reject(CaseEvent type, Consumer<ObjectNode> change) {
        return reject(bytes(example(type, change)));
    }

    private static void assertReject(GatewayException e, ErrorCode code, String pointer) {
        assertThat(e.errorCode()).as(e.detail()).isEqualTo(code);
        assertThat(e.pointer()).as(e.detail()).isEqualTo(pointer);
    }

    @ParameterizedTest
    @MethodSource("acceptedTypes")
    void documentedExampleParsesIntoItsType(CaseEvent type) {
        CaseMessage m = parser.parse(bytes(example(type)));
        assertThat(m.event()).isEqualTo(type);
    }

    @Test
    void acceptedTypesAreAllEventsButAssistanceRequestAndTransportReceipt() {
        assertThat(ProtocolMessageParser.acceptedTypes()).hasSize(CaseEvent.values().length - 2)
                .doesNotContain(CaseEvent.ASSISTANCE_REQUEST, CaseEvent.TRANSPORT_RECEIPT);
    }

    @Test
    void workStartedIsAcceptedButFlaggedAsNotAMessage() {
        CaseMessage m = parser.parse("{\"type\":\"WORK_STARTED\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(m.event()).isEqualTo(CaseEvent.WORK_STARTED);
        assertThat(m.isMessage()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("acceptedTypes")
    void everyOtherAcceptedTypeIsAMessage(CaseEvent type) {
        assertThat(parser.parse(bytes(example(type))).isMessage()).isEqualTo(type != CaseEvent.WORK_STARTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ASSISTANCE_REQUEST", "TRANSPORT_RECEIPT", "SPONTANEOUS_INFORMATION", "refusal"})
    void typesThatAreNotCaseMessagesAreInvalidAtType(String type) {
        assertReject(reject(bytes(JSON.createObjectNode().put("type", type))), ErrorCode.INVALID_FIELD, "/type");
    }

    @Test
    void assistanceRequestRejectSaysWhereItBelongs() {
        GatewayException e = reject("{\"type\":\"ASSISTANCE_REQUEST\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.detail()).contains("opens a case");
    }

    @Test
    void missingTypeIsMissingField() {
        assertReject(reject(CaseEvent.WITHDRAWAL, x -> x.remove("type")), ErrorCode.MISSING_FIELD, "/type");
    }

    @Test
    void typeThatIsNotAStringIsInvalid() {
        assertReject(reject(CaseEvent.WITHDRAWAL, x -> x.put("type", 7)), ErrorCode.INVALID_FIELD, "/type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\": \"REFUSAL\"", "{\"type\":\"WORK_STARTED\",\"type\":\"WORK_STARTED\"}"})
    void brokenJsonIsMalformed(String body) {
        assertReject(reject(body.getBytes(StandardCharsets.UTF_8)), ErrorCode.MALFORMED_JSON, "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"REFUSAL\"", "null", ""})
    void bodyThatIsNotAnObjectIsInvalid(String body) {
        assertReject(reject(body.getBytes(StandardCharsets.UTF_8)), ErrorCode.INVALID_FIELD, "");
    }

    // ---------------------------------------------------------------- refusal

    @Test
    void refusalExampleCarriesGroundsReasonAndPartialScope() {
        Refusal r = (Refusal) parser.parse(bytes(example(CaseEvent.REFUSAL)));
        assertThat(r.grounds()).containsExactly(RefusalGroundCode.TRADE_SECRET);
        assertThat(r.scope()).isEqualTo(RefusalScopeCode.PARTIAL);
        assertThat(r.reason()).startsWith("The supplier's cost calculation");
        assertThat(r.partialScope()).isNotBlank();
    }

    @Test
    void refusalWithoutReasonIsMissingReason() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.remove("reason")), ErrorCode.MISSING_FIELD, "/reason");
    }

    @Test
    void refusalWithBlankReasonIsMissingReason() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.put("reason", "  \n ")), ErrorCode.MISSING_FIELD, "/reason");
    }

    @Test
    void partialRefusalWithoutPartialScopeIsMissingPartialScope() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.remove("partialScope")), ErrorCode.MISSING_FIELD, "/partialScope");
    }

    @Test
    void wholeRefusalWithPartialScopeIsInvalid() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.put("scope", "WHOLE")), ErrorCode.INVALID_FIELD, "/partialScope");
    }

    @Test
    void wholeRefusalWithoutPartialScopeParses() {
        Refusal r = (Refusal) parse(CaseEvent.REFUSAL, x -> {
            x.put("scope", "WHOLE");
            x.remove("partialScope");
        });
        assertThat(r.scope()).isEqualTo(RefusalScopeCode.WHOLE);
        assertThat(r.partialScope()).isNull();
    }

    @Test
    void unknownGroundIsInvalidAtItsIndex() {
        GatewayException e = reject(CaseEvent.REFUSAL, x -> x.putArray("grounds").add("SECURITY").add("BAD_WEATHER"));
        assertReject(e, ErrorCode.INVALID_FIELD, "/grounds/1");
        assertThat(e.detail()).contains("BAD_WEATHER").contains("TRADE_SECRET");
    }

    @Test
    void groundThatIsNotAStringIsInvalidAtItsIndex() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.putArray("grounds").add(1)), ErrorCode.INVALID_FIELD, "/grounds/0");
    }

    @Test
    void postponementGroundInARefusalPointsToThePostponementNotice() {
        GatewayException e = reject(CaseEvent.REFUSAL, x -> x.putArray("grounds").add("POSTPONE_ONGOING_PROCEEDINGS"));
        assertReject(e, ErrorCode.INVALID_FIELD, "/grounds/0");
        assertThat(e.detail()).contains("POSTPONEMENT_NOTICE");
    }

    @Test
    void gatewayOnlyGroundIsInvalidFromANationalSystem() {
        GatewayException e = reject(CaseEvent.REFUSAL, x -> x.putArray("grounds").add("TRADE_SECRET").add("NOT_COVERED_BY_AGREEMENT"));
        assertReject(e, ErrorCode.INVALID_FIELD, "/grounds/1");
    }

    @Test
    void groundGivenTwiceIsInvalidAtTheRepetition() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.putArray("grounds").add("SECURITY").add("TRADE_SECRET").add("SECURITY")),
                ErrorCode.INVALID_FIELD, "/grounds/2");
    }

    @Test
    void emptyGroundsAreInvalid() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.putArray("grounds")), ErrorCode.INVALID_FIELD, "/grounds");
    }

    @Test
    void groundsThatAreNotAnArrayAreInvalid() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.put("grounds", "TRADE_SECRET")), ErrorCode.INVALID_FIELD, "/grounds");
    }

    @Test
    void refusalWithoutScopeIsMissingScope() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.remove("scope")), ErrorCode.MISSING_FIELD, "/scope");
    }

    @Test
    void unknownScopeIsInvalid() {
        assertReject(reject(CaseEvent.REFUSAL, x -> x.put("scope", "MOSTLY")), ErrorCode.INVALID_FIELD, "/scope");
    }

    // ---------------------------------------------------------------- dates

    @ParameterizedTest
    @ValueSource(strings = {"2027-02-30", "31.01.2027", "2027-1-31", "2027-01-31T00:00:00Z", "+12027-01-31", ""})
    void badDateIsInvalidAtItsPointer(String date) {
        GatewayException e = reject(CaseEvent.POSTPONEMENT_NOTICE, x -> x.put("postponedUntil", date));
        assertReject(e, ErrorCode.INVALID_FIELD, "/postponedUntil");
    }

    @Test
    void dateThatIsANumberIsInvalid() {
        assertReject(reject(CaseEvent.REMINDER, x -> x.put("dueDate", 20270228)), ErrorCode.INVALID_FIELD, "/dueDate");
    }

    @Test
    void badExpectedByIsInvalidAtExpectedBy() {
        assertReject(reject(CaseEvent.REQUEST_ACKNOWLEDGEMENT, x -> x.put("expectedBy", "soon")), ErrorCode.INVALID_FIELD, "/expectedBy");
    }

    @Test
    void postponementWithoutDateIsMissingPostponedUntil() {
        assertReject(reject(CaseEvent.POSTPONEMENT_NOTICE, x -> x.remove("postponedUntil")), ErrorCode.MISSING_FIELD, "/postponedUntil");
    }

    @Test
    void postponementWithoutGroundIsForOngoingProceedings() {
        PostponementNotice p = (PostponementNotice) parse(CaseEvent.POSTPONEMENT_NOTICE, x -> x.remove("ground"));
        assertThat(p.ground()).isEqualTo(RefusalGroundCode.POSTPONE_ONGOING_PROCEEDINGS);
        assertThat(p.postponedUntil()).isEqualTo(LocalDate.of(2027, 1, 31));
    }

    @Test
    void postponementKeepsAnotherNationalGround() {
        PostponementNotice p = (PostponementNotice) parse(CaseEvent.POSTPONEMENT_NOTICE,
                x -> x.put("ground", "JUDICIAL_AUTHORISATION_REQUIRED"));
        assertThat(p.ground()).isEqualTo(RefusalGroundCode.JUDICIAL_AUTHORISATION_REQUIRED);
    }

    @Test
    void postponementWithTheGatewayOnlyGroundIsInvalid() {
        assertReject(reject(CaseEvent.POSTPONEMENT_NOTICE, x -> x.put("ground", "NOT_COVERED_BY_AGREEMENT")),
                ErrorCode.INVALID_FIELD, "/ground");
    }

    // ---------------------------------------------------------------- unknown fields and wrong types

    @Test
    void fieldOfAnotherTypeIsUnknown() {
        GatewayException e = reject(CaseEvent.REQUEST_ACKNOWLEDGEMENT, x -> x.put("reason", "x"));
        assertReject(e, ErrorCode.UNKNOWN_FIELD, "/reason");
        assertThat(e.detail()).contains("expectedBy");
    }

    @Test
    void workStartedTakesNoOtherField() {
        assertReject(reject(CaseEvent.WORK_STARTED, x -> x.put("note", "x")), ErrorCode.UNKNOWN_FIELD, "/note");
    }

    @Test
    void unknownFieldNameIsEscapedInThePointer() {
        assertReject(reject(CaseEvent.CLOSURE_NOTICE, x -> x.put("a/b~c", 1)), ErrorCode.UNKNOWN_FIELD, "/a~1b~0c");
    }

    @Test
    void unknownFieldInACorrectionItemIsUnknownAtTheItem() {
        assertReject(reject(CaseEvent.CORRECTION_REQUEST, x -> ((ObjectNode) x.get("items").get(0)).put("severity", "high")),
                ErrorCode.UNKNOWN_FIELD, "/items/0/severity");
    }

    @Test
    void correctionItemWithoutReasonIsMissingAtTheItem() {
        assertReject(reject(CaseEvent.CORRECTION_REQUEST, x -> ((ObjectNode) x.get("items").get(0)).remove("reason")),
                ErrorCode.MISSING_FIELD, "/items/0/reason");
    }

    @Test
    void correctionItemThatIsNotAnObjectIsInvalid() {
        assertReject(reject(CaseEvent.CORRECTION_REQUEST, x -> x.putArray("items").add("42A")), ErrorCode.INVALID_FIELD, "/items/0");
    }

    @ParameterizedTest
    @CsvSource({
        "CONDITIONS_ACCEPTANCE, accepted",
        "FINAL_RESPONSE, summary",
        "WITHDRAWAL, reason",
        "FORWARDING_NOTICE, forwardedTo",
        "CONSENT_REQUEST, messageRef"})
    void valueOfTheWrongJsonTypeIsInvalid(CaseEvent type, String field) {
        GatewayException e = reject(type, x -> x.putObject(field));
        assertReject(e, ErrorCode.INVALID_FIELD, "/" + field);
    }

    @Test
    void acceptedAsAStringIsInvalid() {
        assertReject(reject(CaseEvent.CONDITIONS_ACCEPTANCE, x -> x.put("accepted", "true")), ErrorCode.INVALID_FIELD, "/accepted");
    }

    @Test
    void declarationThatIsNotAnObjectIsInvalidAtItsIndex() {
        assertReject(reject(CaseEvent.FINAL_RESPONSE, x -> ((com.fasterxml.jackson.databind.node.ArrayNode) x.get("declarations"))
                .add("26NL0000000000A1B2")), ErrorCode.INVALID_FIELD, "/declarations/1");
    }

    @Test
    void wcoResponseThatIsNotAStringIsInvalidAtItsIndex() {
        assertReject(reject(CaseEvent.PARTIAL_RESPONSE, x -> x.putArray("wcoResponses").add("<Response/>").add(3)),
                ErrorCode.INVALID_FIELD, "/wcoResponses/1");
    }

    @Test
    void textWithAControlCharacterIsInvalid() {
        assertReject(reject(CaseEvent.WITHDRAWAL, x -> x.put("reason", "withdrawn\u0007")), ErrorCode.INVALID_FIELD, "/reason");
    }

    @Test
    void finalResponseKeepsDeclarationsAndWcoDocumentsAsGiven() {
        FinalResponse f = (FinalResponse) parse(CaseEvent.FINAL_RESPONSE, x -> {
            x.putArray("wcoDeclarations").add("<Declaration/>");
            x.putArray("wcoResponses").add("<Response/>");
        });
        assertThat(f.declarations()).hasSize(1);
        assertThat(f.declarations().get(0).path("exporter").path("name").asText()).isEqualTo("Fahrradteile Export GmbH");
        assertThat(f.wcoDeclarations()).containsExactly("<Declaration/>");
        assertThat(f.wcoResponses()).containsExactly("<Response/>");
    }

    // ---------------------------------------------------------------- consent and completion

    @Test
    void conditionalConsentWithoutConditionsIsMissingConditions() {
        assertReject(reject(CaseEvent.CONSENT_DECISION, x -> x.remove("conditions")), ErrorCode.MISSING_FIELD, "/conditions");
    }

    @Test
    void plainConsentWithConditionsIsInvalidAtConditions() {
        assertReject(reject(CaseEvent.CONSENT_DECISION, x -> x.put("decision", "GRANTED")), ErrorCode.INVALID_FIELD, "/conditions");
    }

    @Test
    void refusedConsentWithoutReasonIsMissingReason() {
        assertReject(reject(CaseEvent.CONSENT_DECISION, x -> {
            x.put("decision", "REFUSED");
            x.remove("conditions");
            x.remove("reason");
        }), ErrorCode.MISSING_FIELD, "/reason");
    }

    @Test
    void refusedConsentWithReasonParses() {
        ConsentDecision d = (ConsentDecision) parse(CaseEvent.CONSENT_DECISION, x -> {
            x.put("decision", "REFUSED");
            x.remove("conditions");
        });
        assertThat(d.decision()).isEqualTo(ConsentDecisionCode.REFUSED);
        assertThat(d.conditions()).isEmpty();
    }

    @Test
    void requestRefThatIsNotAnIdentifierIsInvalid() {
        assertReject(reject(CaseEvent.CONSENT_DECISION, x -> x.put("requestRef", "message 12")), ErrorCode.INVALID_FIELD, "/requestRef");
    }

    @Test
    void onwardTransferWithoutRecipientIsMissingRecipient() {
        assertReject(reject(CaseEvent.CONSENT_REQUEST, x -> x.remove("recipient")), ErrorCode.MISSING_FIELD, "/recipient");
    }

    @Test
    void evidentialUseNeedsNoRecipient() {
        ConsentRequest r = (ConsentRequest) parse(CaseEvent.CONSENT_REQUEST, x -> {
            x.put("use", "EVIDENTIAL_USE");
            x.remove("recipient");
        });
        assertThat(r.use()).isEqualTo(ConsentUseCode.EVIDENTIAL_USE);
        assertThat(r.recipient()).isNull();
    }

    @Test
    void emptyRequestCompletionIsMissingItsContent() {
        assertReject(reject(CaseEvent.REQUEST_COMPLETION, x -> {
            x.remove("factsSummary");
            x.putArray("declarations");
        }), ErrorCode.MISSING_FIELD, "");
    }
}
