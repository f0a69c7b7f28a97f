package org.cmag.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.cmag.exchange.TestMessages.CLOCK;
import static org.cmag.exchange.TestMessages.CODEC;
import static org.cmag.exchange.TestMessages.CREATED;
import static org.cmag.exchange.TestMessages.XML;
import static org.cmag.exchange.TestMessages.de;
import static org.cmag.exchange.TestMessages.exampleRequest;
import static org.cmag.exchange.TestMessages.text;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.AssistanceRequestType;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The national example translated for the packaged DE agreement, marshalled (schema-validated), serialised,
 * parsed and read back: every header and request field must arrive at its place. Declarations are not this
 * translator's business ({@link org.cmag.wco.DeclarationTranslator} adds them to the DOM).
 */
class RequestTranslatorTest {
    private final RequestTranslator translator = new RequestTranslator("NL", "NL", CLOCK);

    private NationalRequest request;
    private Partner de;
    private ExchangeMessageType sent;
    private Element root;
    private ExchangeMessageType received;

    @BeforeEach
    void translateTheExample() {
        request = exampleRequest();
        de = de();
        sent = translator.translate(request, de);
        Document doc = XML.parse(XML.serialize(CODEC.toDocument(sent, XML.newDocument())));
        root = doc.getDocumentElement();
        received = CODEC.readMessage(root);
    }

    @Test
    void documentIsAnExchangeMessageInTheExchangeNamespace() {
        assertThat(root.getNamespaceURI()).isEqualTo(ExchangeCodec.NS);
        assertThat(root.getLocalName()).isEqualTo("ExchangeMessage");
        assertThat(root.getAttribute("Id")).isEqualTo("msg-" + received.getHeader().getMessageID());
    }

    @Test
    void headerNamesSenderAndReceiver() {
        HeaderType h = received.getHeader();
        assertThat(h.getSender().getAuthorityID()).isEqualTo("NL");
        assertThat(h.getSender().getCountryCode()).isEqualTo("NL");
        assertThat(h.getReceiver().getAuthorityID()).isEqualTo(de.id()).isEqualTo("DE");
        assertThat(h.getReceiver().getCountryCode()).isEqualTo(de.country());
        assertThat(text(root, "Header/Sender/AuthorityID")).isEqualTo("NL");
        assertThat(text(root, "Header/Receiver/AuthorityID")).isEqualTo("DE");
    }

    @Test
    void headerCarriesMintedIdsAndTheUtcCreationTime() {
        HeaderType h = received.getHeader();
        assertThat(h.getMessageID()).matches("NL-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        // the clock is in Amsterdam where it is already 21 November: case date and Created are UTC
        assertThat(h.getConversationID()).matches("CASE-NL-DE-20261120-[0-9A-F]{8}");
        assertThat(h.getCreated().toInstant()).isEqualTo(CREATED.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(h.getCreated().getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(h.getMessageType()).isEqualTo(MessageTypeCode.ASSISTANCE_REQUEST);
        assertThat(h.getInReplyTo()).isNull();
        assertThat(h.getExpiresAt()).isNull();
    }

    @Test
    void everyTranslationMintsNewIds() {
        ExchangeMessageType other = translator.translate(request, de);
        assertThat(other.getHeader().getMessageID()).isNotEqualTo(sent.getHeader().getMessageID());
        assertThat(other.getHeader().getConversationID()).isNotEqualTo(sent.getHeader().getConversationID());
    }

    @Test
    void headerCarriesLegalBasisAndPurpose() {
        HeaderType h = received.getHeader();
        assertThat(h.getLegalBasis().getInstrument()).isEqualTo(request.legalInstrument());
        assertThat(h.getLegalBasis().getArticle()).isEqualTo(request.legalArticle());
        assertThat(h.getPurpose()).containsExactly(request.purposeCode() + ": " + request.purpose());
        assertThat(text(root, "Header/LegalBasis/Instrument")).isEqualTo(request.legalInstrument());
        assertThat(text(root, "Header/Purpose")).isEqualTo("CUSTOMS_VALUE: " + request.purpose());
    }

    @Test
    void policyRefPointsAtTheAgreementFileByItsDigest() {
        assertThat(received.getHeader().getPolicyRef().getDigest()).isEqualTo(de.policyDigest());
        assertThat(received.getHeader().getPolicyRef().getAgreementID()).isEqualTo(de.agreementId());
        assertThat(received.getHeader().getPolicyRef().getVersion()).isEqualTo(de.agreementVersion());
    }

    @Test
    void handlingLabelsComeFromTheAgreement() {
        var handling = received.getHeader().getHandling();
        assertThat(handling.getConfidentialityClass().value()).isEqualTo(de.handling().confidentialityClass());
        assertThat(handling.getOnwardTransfer().value()).isEqualTo(de.handling().onwardTransfer());
        assertThat(handling.getEvidenceUse().value()).isEqualTo(de.handling().evidenceUse());
        assertThat(handling.getCaveat()).isEmpty();
    }

    @Test
    void retentionEndsTheAgreedNumberOfYearsAfterTheUtcCreationDate() {
        LocalDate created = received.getHeader().getCreated().toLocalDate();
        assertThat(created).isEqualTo(LocalDate.ofInstant(CREATED, ZoneOffset.UTC))
                .isNotEqualTo(LocalDate.now(CLOCK)); // the clock's own zone is already on the next day
        assertThat(received.getHeader().getHandling().getRetentionUntil()).isEqualTo(created.plusYears(de.retentionYears()));
    }

    @Test
    void requestCarriesTypeAndFacts() {
        AssistanceRequestType a = received.getBody().getAssistanceRequest();
        assertThat(a.getRequestType().value()).isEqualTo(request.requestType());
        assertThat(a.getFactsSummary()).isEqualTo(request.factsSummary());
        assertThat(a.getRelatedRequestID()).isNull();
    }

    @Test
    void messageHasNoDeclarationEvenWhenTheNationalRequestCarriesDeclarations() {
        NationalRequest withBoth = new NationalRequest(request.partner(), request.requestType(), request.legalInstrument(),
                request.legalArticle(), request.purpose(), null, request.factsSummary(), request.declarations(),
                List.of("<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"><FunctionCode>9</FunctionCode></Declaration>"));
        assertThat(withBoth.declarations()).isNotEmpty();

        ExchangeMessageType m = translator.translate(withBoth, de);
        Document doc = XML.parse(XML.serialize(CODEC.toDocument(m, XML.newDocument())));

        assertThat(m.getBody().getAssistanceRequest().getDeclaration()).isEmpty();
        assertThat(doc.getElementsByTagNameNS("*", "Declaration").getLength()).isZero();
        // the example itself (one national declaration) translates without a Declaration as well
        assertThat(received.getBody().getAssistanceRequest().getDeclaration()).isEmpty();
        assertThat(root.getElementsByTagNameNS("*", "Declaration").getLength()).isZero();
    }

    @Test
    void minimalRequestTranslatesToASchemaValidMessage() {
        NationalRequest minimal = new NationalRequest("DE", "ENQUIRY", "EU-REG-515-97", null, "check", "NL-REQ-1", null, List.of(),
                List.of());
        Document doc = XML.parse(XML.serialize(CODEC.toDocument(translator.translate(minimal, de), XML.newDocument())));
        assertThatCode(() -> CODEC.validate(doc)).doesNotThrowAnyException();

        ExchangeMessageType m = CODEC.readMessage(doc.getDocumentElement());
        assertThat(m.getHeader().getLegalBasis().getArticle()).isNull();
        assertThat(m.getBody().getAssistanceRequest().getDeclaration()).isEmpty();
        assertThat(m.getBody().getAssistanceRequest().getRelatedRequestID()).isEqualTo("NL-REQ-1");
        assertThat(m.getBody().getAssistanceRequest().getFactsSummary()).isNull();
    }
}
