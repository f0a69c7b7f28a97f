package org.cmag.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cmag.exchange.TestMessages.CLOCK;
import static org.cmag.exchange.TestMessages.CODEC;
import static org.cmag.exchange.TestMessages.CREATED;
import static org.cmag.exchange.TestMessages.XML;
import static org.cmag.exchange.TestMessages.at;
import static org.cmag.exchange.TestMessages.de;
import static org.cmag.protocol.CaseMessageExamples.bytes;
import static org.cmag.protocol.CaseMessageExamples.example;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cmag.cases.CaseEvent;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ConditionsAcceptanceType;
import org.cmag.exchange.v1.ConsentDecisionCode;
import org.cmag.exchange.v1.ConsentDecisionType;
import org.cmag.exchange.v1.CorrectionRequestType;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.exchange.v1.PostponementNoticeType;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.exchange.v1.RefusalScopeCode;
import org.cmag.exchange.v1.RefusalType;
import org.cmag.policy.Partner;
import org.cmag.protocol.CaseMessage.ConditionsAcceptance;
import org.cmag.protocol.CaseMessage.Refusal;
import org.cmag.protocol.CaseMessage.WorkStarted;
import org.cmag.wco.DeclarationTranslator;
import org.cmag.wco.WcoPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * National case message → exchange message → XML (validated against the exchange schema on marshalling) → read back,
 * for every message type; the header copied from the case and the agreement; the gateway's own messages.
 */
class ProtocolMessageBuilderTest {
    private static final Partner DE = de();
    private static final String CASE = "CASE-NL-DE-20261120-0A1B2C3D";
    private static final String ANSWERED = "DE-3f2a9c1e-7b4d-4e0f-9a51-2c8d6b7e1f30";
    private static final CaseContext CONTEXT = new CaseContext(DE, CASE, "EU-REG-515-97", "4",
            "Verify the customs value and origin declared on import of bicycle parts", ANSWERED);

    private final ProtocolMessageParser parser = new ProtocolMessageParser();
    private final ProtocolMessageBuilder builder = new ProtocolMessageBuilder("NL", "NL", CLOCK);

    static Stream<CaseEvent> messageTypes() {
        return ProtocolMessageParser.acceptedTypes().stream().filter(CaseEvent::isMessage);
    }

    private static Document marshal(ExchangeMessageType m) {
        return XML.parse(XML.serialize(CODEC.toDocument(m, XML.newDocument())));
    }

    /** Marshalled (schema-validated), serialised, parsed and read back (schema-validated again), as the partner reads it. */
    private static ExchangeMessageType roundTrip(ExchangeMessageType m) {
        return CODEC.readMessage(marshal(m).getDocumentElement());
    }

    private ExchangeMessageType buildExample(CaseEvent type) {
        return builder.build(parser.parse(bytes(example(type))), CONTEXT);
    }

    /** The text values of an example (not its type, not the WCO data, which the caller adds). */
    private static List<String> textLeaves(JsonNode n, String field, List<String> out) {
        if (Set.of("type", "declarations", "wcoDeclarations", "wcoResponses").contains(field)) {
            return out;
        }
        if (n.isObject()) {
            n.properties().forEach(p -> textLeaves(p.getValue(), p.getKey(), out));
        } else if (n.isArray()) {
            n.forEach(e -> textLeaves(e, field, out));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void documentedExampleRoundTripsThroughTheExchangeSchema(CaseEvent type) {
        ExchangeMessageType received = roundTrip(buildExample(type));

        assertThat(received.getHeader().getMessageType()).isEqualTo(MessageTypeCode.fromValue(type.name()));
        assertThat(MessageTypes.inBody(received.getBody())).containsExactly(MessageTypeCode.fromValue(type.name()));
        assertThat(received.getHeader().getConversationID()).isEqualTo(CASE);
        assertThat(received.getHeader().getInReplyTo()).isEqualTo(ANSWERED);
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void everyValueOfTheExampleIsInTheBodyElement(CaseEvent type) {
        Element root = marshal(buildExample(type)).getDocumentElement();
        Element body = at(root, "Body");
        String text = body.getTextContent();
        List<String> values = textLeaves(example(type), "", new ArrayList<>());
        assertThat(values).allSatisfy(v -> assertThat(text).contains(v));
        if (type == CaseEvent.CONDITIONS_ACCEPTANCE) {
            assertThat(values).contains("true"); // booleans are carried too
        }
    }

    @Test
    void everyMessageTypeButTheRequestIsBuiltFromNationalJson() {
        Set<MessageTypeCode> built = messageTypes().map(t -> buildExample(t).getHeader().getMessageType()).collect(Collectors.toSet());
        assertThat(built).hasSize(MessageTypeCode.values().length - 1).doesNotContain(MessageTypeCode.ASSISTANCE_REQUEST);
    }

    @Test
    void theAgreementsCaveatsTravelInTheSignedHeader() {
        var gb = org.cmag.policy.PartnerRegistry.load(null, "NL", k -> null).require("GB", org.cmag.error.ErrorCode.UNKNOWN_PARTNER);
        var envelopes = new org.cmag.exchange.Envelopes("NL", "NL", java.time.Clock.fixed(CREATED, ZoneOffset.UTC));
        var m = envelopes.message(gb, "NL-case-1", null, MessageTypeCode.ASSISTANCE_REQUEST, "EU-UK-TCA-PROTOCOL-MAA", null,
                java.util.List.of("ORIGIN: verify the statement on origin"), envelopes.now(), new org.cmag.exchange.v1.BodyType());
        assertThat(m.getHeader().getHandling().getCaveat()).containsExactly("ORIGINATOR_CONSENT_REQUIRED");
        assertThat(m.getHeader().getHandling().getOnwardTransfer().value()).isEqualTo("WITH_PRIOR_WRITTEN_CONSENT");
        assertThat(m.getHeader().getHandling().getRetentionUntil()).isEqualTo(LocalDate.of(2026, 11, 20).plusYears(3));
        assertThat(DE.handling().caveats()).isEmpty();
    }

    @Test
    void headerComesFromTheCaseAndTheAgreement() {
        HeaderType h = roundTrip(buildExample(CaseEvent.FINAL_RESPONSE)).getHeader();
        assertThat(h.getMessageID()).matches("NL-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(h.getSender().getAuthorityID()).isEqualTo("NL");
        assertThat(h.getSender().getCountryCode()).isEqualTo("NL");
        assertThat(h.getReceiver().getAuthorityID()).isEqualTo(DE.id());
        assertThat(h.getReceiver().getCountryCode()).isEqualTo(DE.country());
        assertThat(h.getCreated()).isEqualTo(OffsetDateTime.ofInstant(CREATED, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
        assertThat(h.getLegalBasis().getInstrument()).isEqualTo("EU-REG-515-97");
        assertThat(h.getLegalBasis().getArticle()).isEqualTo("4");
        assertThat(h.getPurpose()).containsExactly(CONTEXT.purposes().get(0));
        assertThat(h.getHandling().getConfidentialityClass().value()).isEqualTo(DE.handling().confidentialityClass());
        assertThat(h.getHandling().getOnwardTransfer().value()).isEqualTo(DE.handling().onwardTransfer());
        assertThat(h.getHandling().getEvidenceUse().value()).isEqualTo(DE.handling().evidenceUse());
        // the UTC date, not the clock zone's (already the next day in Amsterdam)
        assertThat(h.getHandling().getRetentionUntil()).isEqualTo(LocalDate.of(2026, 11, 20).plusYears(DE.retentionYears()));
        assertThat(h.getPolicyRef().getAgreementID()).isEqualTo(DE.agreementId());
        assertThat(h.getPolicyRef().getVersion()).isEqualTo(DE.agreementVersion());
        assertThat(h.getPolicyRef().getDigest()).isEqualTo(DE.policyDigest());
    }

    @Test
    void messageElementIdIsDerivedFromTheMessageId() {
        ExchangeMessageType m = buildExample(CaseEvent.WITHDRAWAL);
        assertThat(m.getId()).isEqualTo("msg-" + m.getHeader().getMessageID());
    }

    @Test
    void everyBuildMintsANewMessageIdInTheSameConversation() {
        ExchangeMessageType a = buildExample(CaseEvent.REMINDER);
        ExchangeMessageType b = buildExample(CaseEvent.REMINDER);
        assertThat(a.getHeader().getMessageID()).isNotEqualTo(b.getHeader().getMessageID());
        assertThat(a.getHeader().getConversationID()).isEqualTo(b.getHeader().getConversationID()).isEqualTo(CASE);
    }

    @Test
    void withoutInReplyToAndArticleTheHeaderOmitsThem() {
        CaseContext c = new CaseContext(DE, CASE, "EU-REG-515-97", null, List.of("purpose one", "purpose two"), null);
        Element root = marshal(builder.build(parser.parse(bytes(example(CaseEvent.CLOSURE_NOTICE))), c)).getDocumentElement();
        assertThat(root.getElementsByTagNameNS(ExchangeCodec.NS, "InReplyTo").getLength()).isZero();
        assertThat(root.getElementsByTagNameNS(ExchangeCodec.NS, "Article").getLength()).isZero();
        assertThat(root.getElementsByTagNameNS(ExchangeCodec.NS, "Purpose").getLength()).isEqualTo(2);
    }

    @Test
    void refusalCarriesGroundsReasonScopeAndPartialScope() {
        RefusalType r = roundTrip(buildExample(CaseEvent.REFUSAL)).getBody().getRefusal();
        assertThat(r.getGround()).containsExactly(RefusalGroundCode.TRADE_SECRET);
        assertThat(r.getReason()).isEqualTo(example(CaseEvent.REFUSAL).get("reason").asText());
        assertThat(r.getScope()).isEqualTo(RefusalScopeCode.PARTIAL);
        assertThat(r.getPartialScope()).isEqualTo(example(CaseEvent.REFUSAL).get("partialScope").asText());
    }

    @Test
    void postponementCarriesGroundAndDate() {
        PostponementNoticeType p = roundTrip(buildExample(CaseEvent.POSTPONEMENT_NOTICE)).getBody().getPostponementNotice();
        assertThat(p.getGround()).isEqualTo(RefusalGroundCode.POSTPONE_ONGOING_PROCEEDINGS);
        assertThat(p.getPostponedUntil()).isEqualTo(LocalDate.of(2027, 1, 31));
    }

    @Test
    void consentDecisionCarriesDecisionAndConditions() {
        ConsentDecisionType d = roundTrip(buildExample(CaseEvent.CONSENT_DECISION)).getBody().getConsentDecision();
        assertThat(d.getDecision()).isEqualTo(ConsentDecisionCode.GRANTED_WITH_CONDITIONS);
        assertThat(d.getCondition()).containsExactly("The data is used in these proceedings only.");
        assertThat(d.getRequestRef()).isEqualTo("NL-8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e");
    }

    @Test
    void correctionRequestCarriesItsItemsInOrder() {
        CaseMessage correction = new CaseMessage.CorrectionRequest(List.of(new CaseMessage.Correction("42A/67A/68A", "Which item?"),
                new CaseMessage.Correction("/factsSummary", "Too short.")));
        CorrectionRequestType c = roundTrip(builder.build(correction, CONTEXT)).getBody().getCorrectionRequest();
        assertThat(c.getItem()).extracting(i -> i.getPointer() + ": " + i.getReason())
                .containsExactly("42A/67A/68A: Which item?", "/factsSummary: Too short.");
    }

    @Test
    void declinedConditionsAreCarriedAsFalse() {
        ConditionsAcceptanceType a = roundTrip(builder.build(new ConditionsAcceptance(false, null), CONTEXT)).getBody().getConditionsAcceptance();
        assertThat(a.isAccepted()).isFalse();
        assertThat(a.getNote()).isNull();
    }

    // ---------------------------------------------------------------- the gateway's own messages

    @Test
    void acknowledgementWithoutNoteOrDateIsAnEmptyButValidElement() {
        ExchangeMessageType received = roundTrip(builder.acknowledgement(CONTEXT, null, null));
        assertThat(received.getHeader().getMessageType()).isEqualTo(MessageTypeCode.REQUEST_ACKNOWLEDGEMENT);
        assertThat(received.getBody().getRequestAcknowledgement()).isNotNull();
        assertThat(received.getBody().getRequestAcknowledgement().getNote()).isNull();
        assertThat(received.getHeader().getInReplyTo()).isEqualTo(ANSWERED);
    }

    @Test
    void acknowledgementCarriesItsExpectedDate() {
        ExchangeMessageType received = roundTrip(builder.acknowledgement(CONTEXT, "Received.", LocalDate.of(2027, 2, 15)));
        assertThat(received.getBody().getRequestAcknowledgement().getExpectedBy()).isEqualTo(LocalDate.of(2027, 2, 15));
    }

    @Test
    void automaticRefusalIsAWholeRefusalOnTheGatewayGround() {
        ExchangeMessageType received = roundTrip(builder.automaticRefusal(CONTEXT, RefusalGroundCode.NOT_COVERED_BY_AGREEMENT,
                "Agreement NL-DE-2026 does not cover SURVEILLANCE requests."));
        RefusalType r = received.getBody().getRefusal();
        assertThat(received.getHeader().getMessageType()).isEqualTo(MessageTypeCode.REFUSAL);
        assertThat(r.getGround()).containsExactly(RefusalGroundCode.NOT_COVERED_BY_AGREEMENT);
        assertThat(r.getScope()).isEqualTo(RefusalScopeCode.WHOLE);
        assertThat(r.getPartialScope()).isNull();
        assertThat(r.getReason()).contains("SURVEILLANCE");
    }

    @Test
    void automaticRefusalWithoutReasonIsRejected() {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> builder.automaticRefusal(CONTEXT, RefusalGroundCode.NOT_COVERED_BY_AGREEMENT, " "));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(e.pointer()).isEqualTo("/reason");
    }

    @Test
    void partialRefusalWithoutPartialScopeCannotBeBuilt() {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> builder.build(new Refusal(List.of(RefusalGroundCode.TRADE_SECRET), "secret", RefusalScopeCode.PARTIAL, null), CONTEXT));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(e.pointer()).isEqualTo("/partialScope");
    }

    @Test
    void workStartedIsNotBuiltIntoAMessage() {
        assertThatThrownBy(() -> builder.build(new WorkStarted(), CONTEXT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WORK_STARTED");
    }

    @Test
    void textBeyondTheSchemaLimitIsRefusedWhenMarshalling() {
        ExchangeMessageType m = builder.build(new CaseMessage.Withdrawal("x".repeat(4001)), CONTEXT);
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> CODEC.toDocument(m, XML.newDocument()));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_INVALID);
    }

    // ---------------------------------------------------------------- WCO data added by the caller

    /** As the translate stage will do: translated Declarations, then Responses, appended to the typed body element. */
    @Test
    void answerValidatesWithTranslatedDeclarationsAndResponsesAppended() {
        CaseMessage answer = parser.parse(bytes(example(CaseEvent.FINAL_RESPONSE)));
        Document doc = CODEC.toDocument(builder.build(answer, CONTEXT), XML.newDocument());
        Element finalResponse = at(doc.getDocumentElement(), "Body/FinalResponse");
        DeclarationTranslator translator = new DeclarationTranslator(null, WcoPaths.load(), XML);
        for (int i = 0; i < answer.declarations().size(); i++) {
            Element declaration = translator.fromNationalJson(answer.declarations().get(i), "/declarations/" + i).declaration();
            finalResponse.appendChild(doc.importNode(declaration, true));
        }
        finalResponse.appendChild(response(doc));

        CODEC.validate(doc);
        ExchangeMessageType received = CODEC.readMessage(XML.parse(XML.serialize(doc)).getDocumentElement());
        assertThat(received.getBody().getFinalResponse().getDeclaration()).hasSize(1);
        assertThat(received.getBody().getFinalResponse().getDeclaration().get(0).getID().getValue()).isEqualTo("DE-EXP-2026-004711");
        assertThat(received.getBody().getFinalResponse().getResponse()).hasSize(1);
    }

    @Test
    void responseBeforeDeclarationIsInvalid() {
        CaseMessage answer = parser.parse(bytes(example(CaseEvent.PARTIAL_RESPONSE)));
        Document doc = CODEC.toDocument(builder.build(answer, CONTEXT), XML.newDocument());
        Element partial = at(doc.getDocumentElement(), "Body/PartialResponse");
        partial.appendChild(response(doc));
        Element declaration = new DeclarationTranslator(null, WcoPaths.load(), XML)
                .fromNationalJson(answer.declarations().get(0), "/declarations/0").declaration();
        partial.appendChild(doc.importNode(declaration, true));
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> CODEC.validate(doc));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_INVALID);
    }

    private static Element response(Document doc) {
        Element response = doc.createElementNS(ExchangeCodec.NS, "Response");
        Element function = doc.createElementNS(ExchangeCodec.NS, "FunctionCode");
        function.setTextContent("01");
        response.appendChild(function);
        return response;
    }
}
