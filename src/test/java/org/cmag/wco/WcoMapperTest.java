package org.cmag.wco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The mapper and the national JSON reader on small hand-made inputs (no WCO schema needed). */
class WcoMapperTest {
    static final SecureXml XML = new SecureXml();
    static final WcoPaths PATHS = WcoPaths.load();
    static final WcoMapper MAPPER = new WcoMapper(PATHS);
    static final ObjectMapper JSON = new ObjectMapper();

    private static Element map(String decXml, List<Unmapped> unmapped) {
        Element in = XML.parse(decXml.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        var target = XML.newDocument();
        Element out = MAPPER.map(in, target, "/Declaration", unmapped);
        target.appendChild(out);
        return out;
    }

    @Test
    void authenticationAndGuaranteeAreReportedWithTheirPointersAndNeverCarried() {
        List<Unmapped> unmapped = new ArrayList<>();
        Element out = map("<Declaration xmlns='urn:wco:datamodel:WCO:DEC-DMS:2'><FunctionCode>9</FunctionCode>"
                + "<Authentication><Authentication>signed-by-me</Authentication><Authenticator><Name>Jane Roe</Name></Authenticator>"
                + "</Authentication><ObligationGuarantee><ReferenceID>GRN1</ReferenceID><AccessCode>1234</AccessCode></ObligationGuarantee>"
                + "</Declaration>", unmapped);

        String xml = new String(XML.serialize(out), StandardCharsets.UTF_8);
        assertThat(xml).contains("<FunctionCode").doesNotContain("Jane Roe").doesNotContain("1234").doesNotContain("signed-by-me");
        assertThat(unmapped).extracting(Unmapped::pointer, Unmapped::inputPath).containsExactly(
                org.assertj.core.groups.Tuple.tuple("42A/61B:104", "/Declaration/Authentication/Authentication"),
                org.assertj.core.groups.Tuple.tuple("42A/61B/12A:R007", "/Declaration/Authentication/Authenticator/Name"),
                org.assertj.core.groups.Tuple.tuple(PATHS.find("Declaration/ObligationGuarantee/ReferenceID").orElseThrow().pointer(),
                        "/Declaration/ObligationGuarantee/ReferenceID"),
                org.assertj.core.groups.Tuple.tuple(PATHS.find("Declaration/ObligationGuarantee/AccessCode").orElseThrow().pointer(),
                        "/Declaration/ObligationGuarantee/AccessCode"));
        assertThat(unmapped).allSatisfy(u -> assertThat(u.toString()).doesNotContain("Jane").doesNotContain("1234"));
    }

    @Test
    void foreignElementsAndAttributesAreReportedNotDropped() {
        List<Unmapped> unmapped = new ArrayList<>();
        Element out = map("<Declaration xmlns='urn:wco:datamodel:WCO:DEC-DMS:2' xmlns:x='urn:other'><FunctionCode x:flag='1'>9</FunctionCode>"
                + "<InvoiceAmount currencyID='EUR' extra='y'>10</InvoiceAmount><x:Secret>s</x:Secret><Colour>red</Colour></Declaration>", unmapped);

        new ExchangeCodec().validate(out);
        assertThat(new String(XML.serialize(out), StandardCharsets.UTF_8)).contains("currencyID=\"EUR\"").doesNotContain("Secret")
                .doesNotContain("red");
        assertThat(unmapped).extracting(Unmapped::inputPath).containsExactlyInAnyOrder("/Declaration/FunctionCode/@x:flag",
                "/Declaration/InvoiceAmount/@extra", "/Declaration/Secret", "/Declaration/Colour");
    }

    @Test
    void repeatedElementsKeepTheirOrderAndIndexes() {
        List<Unmapped> unmapped = new ArrayList<>();
        Element out = map("<Declaration xmlns='urn:wco:datamodel:WCO:DEC-DMS:2'><AdditionalDocument><ID>A</ID></AdditionalDocument>"
                + "<AdditionalDocument><ID>B</ID><Colour/></AdditionalDocument></Declaration>", unmapped);
        assertThat(new String(XML.serialize(out), StandardCharsets.UTF_8))
                .contains("<AdditionalDocument><ID>A</ID></AdditionalDocument><AdditionalDocument><ID>B</ID></AdditionalDocument>");
        assertThat(unmapped).extracting(Unmapped::inputPath).containsExactly("/Declaration/AdditionalDocument[2]/Colour");
    }

    @Test
    void nationalJsonErrorsNameTheJsonPointer() throws Exception {
        DeclarationTranslator t = new DeclarationTranslator(null, PATHS, XML);
        assertCode(t, "{\"goodsShipment\": {\"colour\": \"x\"}}", ErrorCode.UNKNOWN_FIELD, "/d/goodsShipment/colour");
        assertCode(t, "{\"goodsShipment\": {\"governmentAgencyGoodsItem\": {}}}", ErrorCode.INVALID_FIELD,
                "/d/goodsShipment/governmentAgencyGoodsItem");
        assertCode(t, "{\"exporter\": [{}]}", ErrorCode.INVALID_FIELD, "/d/exporter");
        assertCode(t, "{\"goodsItemQuantity\": 1}", ErrorCode.INVALID_FIELD, "/d/goodsItemQuantity");
        assertCode(t, "{\"issueDateTime\": \"20261120\"}", ErrorCode.INVALID_FIELD, "/d/issueDateTime");
        assertCode(t, "{\"invoiceAmount\": {\"value\": \"1\", \"currency\": \"EUR\"}}", ErrorCode.UNKNOWN_FIELD, "/d/invoiceAmount/currency");
        assertCode(t, "{\"authentication\": {}}", ErrorCode.UNKNOWN_FIELD, "/d/authentication");
        assertCode(t, "[]", ErrorCode.INVALID_FIELD, "/d");
    }

    @Test
    void wcoDecInputIsRefusedWhenNoWcoSchemaSetIsConfigured() {
        DeclarationTranslator t = new DeclarationTranslator(null, PATHS, XML);
        assertThatThrownBy(() -> t.fromWcoDec("<x/>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.WCO_SCHEMAS_NOT_CONFIGURED));
    }

    @Test
    void jsonKeysAreLowerCamelWithLeadingAcronymsTogether() {
        assertThat(WcoPaths.jsonKey("UCR")).isEqualTo("ucr");
        assertThat(WcoPaths.jsonKey("AEOMutualRecognitionParty")).isEqualTo("aeoMutualRecognitionParty");
        assertThat(WcoPaths.jsonKey("ID")).isEqualTo("id");
        assertThat(WcoPaths.jsonKey("FunctionalReferenceID")).isEqualTo("functionalReferenceID");
        assertThat(WcoPaths.jsonKey("GoodsShipment")).isEqualTo("goodsShipment");
    }

    private static void assertCode(DeclarationTranslator t, String json, ErrorCode code, String pointer) throws Exception {
        var node = JSON.readTree(json);
        assertThatThrownBy(() -> t.fromNationalJson(node, "/d")).as(json).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).as(json).isEqualTo(code);
            assertThat(e.pointer()).as(json).isEqualTo(pointer);
        });
    }
}
