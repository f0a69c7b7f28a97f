package org.cmag.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmag.exchange.TestMessages.CLOCK;
import static org.cmag.exchange.TestMessages.CODEC;
import static org.cmag.exchange.TestMessages.CREATED;
import static org.cmag.exchange.TestMessages.XML;
import static org.cmag.exchange.TestMessages.at;
import static org.cmag.exchange.TestMessages.de;
import static org.cmag.exchange.TestMessages.exampleRequest;
import static org.cmag.exchange.TestMessages.text;

import java.math.BigInteger;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.AddressType;
import org.cmag.exchange.v1.AssistanceRequestType;
import org.cmag.exchange.v1.ClassificationType;
import org.cmag.exchange.v1.DeclarationType;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.GoodsItemType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.exchange.v1.PartyType;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The national example translated for the packaged DE agreement, marshalled (schema-validated), serialised,
 * parsed and read back: every national field must arrive at its WCO-named place.
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
        assertThat(h.getPurpose()).containsExactly(request.purpose());
        assertThat(text(root, "Header/LegalBasis/Instrument")).isEqualTo(request.legalInstrument());
        assertThat(text(root, "Header/Purpose")).isEqualTo(request.purpose());
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
        assertThat(a.getDeclaration()).hasSize(1);
    }

    @Test
    void declarationFieldsArriveAtTheirWcoElements() {
        NationalRequest.Declaration n = request.declarations().get(0);
        DeclarationType d = received.getBody().getAssistanceRequest().getDeclaration().get(0);
        assertThat(d.getID()).isEqualTo(n.id());
        assertThat(d.getFunctionalReferenceID()).isEqualTo(n.functionalReferenceId());
        assertThat(d.getTypeCode()).isEqualTo(n.typeCode());
        assertThat(d.getIssueDateTime()).isEqualTo(n.issueDateTime());
        assertThat(d.getDeclarationOfficeID()).isEqualTo(n.declarationOfficeId());

        Element dx = at(root, "Body/AssistanceRequest/Declaration");
        assertThat(text(dx, "ID")).isEqualTo(n.id());
        assertThat(text(dx, "FunctionalReferenceID")).isEqualTo(n.functionalReferenceId());
        assertThat(text(dx, "TypeCode")).isEqualTo(n.typeCode());
        assertThat(text(dx, "IssueDateTime")).isEqualTo(n.issueDateTime());
        assertThat(text(dx, "DeclarationOfficeID")).isEqualTo(n.declarationOfficeId());
    }

    @Test
    void exporterArrivesWithNameIdAndAddress() {
        NationalRequest.Party n = request.declarations().get(0).exporter();
        PartyType p = received.getBody().getAssistanceRequest().getDeclaration().get(0).getExporter();
        assertThat(p.getName()).isEqualTo(n.name());
        assertThat(p.getID()).isEqualTo(n.id());
        AddressType a = p.getAddress();
        assertThat(a.getLine()).isEqualTo(n.address().line());
        assertThat(a.getCityName()).isEqualTo(n.address().cityName());
        assertThat(a.getPostcodeID()).isEqualTo(n.address().postcodeId());
        assertThat(a.getCountryCode()).isEqualTo(n.address().countryCode());

        Element ex = at(root, "Body/AssistanceRequest/Declaration/Exporter");
        assertThat(text(ex, "Name")).isEqualTo(n.name());
        assertThat(text(ex, "ID")).isEqualTo(n.id());
        assertThat(text(ex, "Address/Line")).isEqualTo(n.address().line());
        assertThat(text(ex, "Address/CityName")).isEqualTo(n.address().cityName());
        assertThat(text(ex, "Address/PostcodeID")).isEqualTo(n.address().postcodeId());
        assertThat(text(ex, "Address/CountryCode")).isEqualTo(n.address().countryCode());
    }

    @Test
    void importerArrivesInTheGoodsShipment() {
        NationalRequest.Party n = request.declarations().get(0).importer();
        PartyType p = received.getBody().getAssistanceRequest().getDeclaration().get(0).getGoodsShipment().getImporter();
        assertThat(p.getName()).isEqualTo(n.name());
        assertThat(p.getID()).isEqualTo(n.id());
        assertThat(p.getAddress()).isNull();
        Element im = at(root, "Body/AssistanceRequest/Declaration/GoodsShipment/Importer");
        assertThat(text(im, "Name")).isEqualTo(n.name());
        assertThat(text(im, "ID")).isEqualTo(n.id());
    }

    @Test
    void goodsItemArrivesWithSequenceDescriptionClassificationAndOrigin() {
        NationalRequest.GoodsItem n = request.declarations().get(0).goodsItems().get(0);
        List<GoodsItemType> items = received.getBody().getAssistanceRequest().getDeclaration().get(0).getGoodsShipment()
                .getGovernmentAgencyGoodsItem();
        assertThat(items).hasSize(1);
        GoodsItemType g = items.get(0);
        assertThat(g.getSequenceNumeric()).isEqualTo(BigInteger.valueOf(n.sequenceNumeric()));
        assertThat(g.getCommodity().getDescription()).isEqualTo(n.description());
        ClassificationType c = g.getCommodity().getClassification().get(0);
        assertThat(c.getID()).isEqualTo(n.classifications().get(0).id());
        assertThat(c.getIdentificationTypeCode()).isEqualTo(n.classifications().get(0).identificationTypeCode());
        assertThat(g.getOrigin().getCountryCode()).isEqualTo(n.originCountryCode());

        Element gx = at(root,
                "Body/AssistanceRequest/Declaration/GoodsShipment/GovernmentAgencyGoodsItem");
        assertThat(text(gx, "SequenceNumeric")).isEqualTo(String.valueOf(n.sequenceNumeric()));
        assertThat(text(gx, "Commodity/Description")).isEqualTo(n.description());
        assertThat(text(gx, "Commodity/Classification/ID")).isEqualTo(n.classifications().get(0).id());
        assertThat(text(gx, "Commodity/Classification/IdentificationTypeCode"))
                .isEqualTo(n.classifications().get(0).identificationTypeCode());
        assertThat(text(gx, "Origin/CountryCode")).isEqualTo(n.originCountryCode());
    }

    @Test
    void minimalRequestTranslatesToAValidMessageWithoutDeclarations() {
        NationalRequest minimal = new NationalRequest("DE", "ENQUIRY", "EU-REG-515-97", null, "check", "NL-REQ-1", null, List.of());
        ExchangeMessageType m = CODEC.readMessage(XML.parse(XML.serialize(CODEC.toDocument(translator.translate(minimal, de),
                XML.newDocument()))).getDocumentElement());
        assertThat(m.getHeader().getLegalBasis().getArticle()).isNull();
        assertThat(m.getBody().getAssistanceRequest().getDeclaration()).isEmpty();
        assertThat(m.getBody().getAssistanceRequest().getRelatedRequestID()).isEqualTo("NL-REQ-1");
        assertThat(m.getBody().getAssistanceRequest().getFactsSummary()).isNull();
    }

    @Test
    void declarationWithoutImporterOrGoodsHasNoGoodsShipment() {
        NationalRequest.Declaration only = new NationalRequest.Declaration("D-1", null, null, null, null,
                new NationalRequest.Party("Exporter BV", null, null), null, List.of());
        NationalRequest r = new NationalRequest("DE", "ENQUIRY", "EU-REG-515-97", "4", "check", null, null, List.of(only));
        DeclarationType d = CODEC.readMessage(CODEC.toDocument(translator.translate(r, de), XML.newDocument()).getDocumentElement())
                .getBody().getAssistanceRequest().getDeclaration().get(0);
        assertThat(d.getGoodsShipment()).isNull();
        assertThat(d.getExporter().getName()).isEqualTo("Exporter BV");
        assertThat(d.getExporter().getAddress()).isNull();
    }

    @Test
    void goodsItemWithOnlyASequenceHasNoCommodityOrOrigin() {
        NationalRequest.Declaration decl = new NationalRequest.Declaration(null, null, null, null, null, null, null,
                List.of(new NationalRequest.GoodsItem(7, null, List.of(), null)));
        NationalRequest r = new NationalRequest("DE", "ENQUIRY", "EU-REG-515-97", "4", "check", null, null, List.of(decl));
        GoodsItemType g = CODEC.readMessage(CODEC.toDocument(translator.translate(r, de), XML.newDocument()).getDocumentElement())
                .getBody().getAssistanceRequest().getDeclaration().get(0).getGoodsShipment().getGovernmentAgencyGoodsItem().get(0);
        assertThat(g.getSequenceNumeric()).isEqualTo(BigInteger.valueOf(7));
        assertThat(g.getCommodity()).isNull();
        assertThat(g.getOrigin()).isNull();
    }
}
