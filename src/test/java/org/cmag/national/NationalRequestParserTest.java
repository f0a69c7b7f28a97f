package org.cmag.national;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and every kind of reject of the national assistance request, each with its code and JSON pointer. */
class NationalRequestParserTest {
    static final Path EXAMPLE = Path.of("docs/examples/assistance-request.json");
    static final ObjectMapper JSON = new ObjectMapper();

    private final NationalRequestParser parser = new NationalRequestParser();

    static ObjectNode example() {
        try {
            return (ObjectNode) JSON.readTree(Files.readAllBytes(EXAMPLE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example with one change applied. */
    static byte[] exampleWith(Consumer<ObjectNode> change) {
        ObjectNode n = example();
        change.accept(n);
        return bytes(n);
    }

    /** The object that holds the field at {@code pointer} (e.g. /legalBasis for /legalBasis/instrument). */
    static ObjectNode parentOf(ObjectNode root, String pointer) {
        return (ObjectNode) root.at(JsonPointer.compile(pointer).head());
    }

    static String last(String pointer) {
        return JsonPointer.compile(pointer).last().getMatchingProperty();
    }

    static JsonNode bytesToTree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] exampleWithValue(String pointer, JsonNode value) {
        return exampleWith(n -> parentOf(n, pointer).set(last(pointer), value));
    }

    static byte[] exampleWithout(String pointer) {
        return exampleWith(n -> parentOf(n, pointer).remove(last(pointer)));
    }

    GatewayException reject(byte[] body) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(body));
        assertThat(e).as("parser should reject %s", new String(body, StandardCharsets.UTF_8)).isNotNull();
        return e;
    }

    void assertReject(byte[] body, ErrorCode code, String pointer) {
        GatewayException e = reject(body);
        assertThat(e.errorCode()).as(e.detail()).isEqualTo(code);
        assertThat(e.pointer()).as(e.detail()).isEqualTo(pointer);
    }

    @Test
    void parsesExampleWithEveryFieldCarried() {
        JsonNode x = example();
        NationalRequest r = parser.parse(bytes(x));

        assertThat(r.partner()).isEqualTo(x.at("/partner").asText());
        assertThat(r.requestType()).isEqualTo(x.at("/requestType").asText());
        assertThat(r.legalInstrument()).isEqualTo(x.at("/legalBasis/instrument").asText());
        assertThat(r.legalArticle()).isEqualTo(x.at("/legalBasis/article").asText());
        assertThat(r.purpose()).isEqualTo(x.at("/purpose").asText());
        assertThat(r.factsSummary()).isEqualTo(x.at("/factsSummary").asText());
        assertThat(r.relatedRequestId()).isNull();
        assertThat(r.declarations()).hasSize(x.at("/declarations").size());
        assertThat(r.wcoDeclarations()).isEmpty();
    }

    @Test
    void carriesTheExampleDeclarationUnchanged() {
        JsonNode x = example();
        assertThat(x.at("/declarations/0").isObject()).isTrue();
        assertThat(parser.parse(bytes(x)).declarations()).containsExactly(x.at("/declarations/0"));
    }

    @Test
    void leavesDeclarationInternalsToTheDeclarationTranslator() {
        // unknown keys, wrong types and empty strings inside a declaration are found later, with their pointers
        byte[] body = exampleWith(n -> {
            ObjectNode d = (ObjectNode) n.at("/declarations/0");
            d.put("nickname", "x");
            d.put("typeCode", 42);
            ((ObjectNode) d.get("exporter")).put("name", "");
        });
        JsonNode sent = bytesToTree(body).at("/declarations/0");
        assertThat(parser.parse(body).declarations()).containsExactly(sent);
    }

    @Test
    void carriesWcoDeclarationsAsTheyWereSentInOrder() {
        String first = "<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"><FunctionCode>9</FunctionCode></Declaration>";
        String second = "<?xml version=\"1.0\"?>\n<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"/>\n";
        NationalRequest r = parser.parse(exampleWith(n -> n.putArray("wcoDeclarations").add(first).add(second)));
        assertThat(r.wcoDeclarations()).containsExactly(first, second);
        assertThat(r.declarations()).hasSize(1);
    }

    @Test
    void carriesRelatedRequestIdAndStripsSurroundingWhitespace() {
        NationalRequest r = parser.parse(exampleWith(n -> {
            n.put("relatedRequestId", "NL-REQ:2026.001_a");
            n.put("purpose", "  Verify origin \n");
        }));
        assertThat(r.relatedRequestId()).isEqualTo("NL-REQ:2026.001_a");
        assertThat(r.purpose()).isEqualTo("Verify origin");
    }

    @Test
    void acceptsMinimalRequestWithoutOptionalParts() {
        NationalRequest r = parser.parse(exampleWith(n -> {
            n.remove("factsSummary");
            n.remove("declarations");
            ((ObjectNode) n.get("legalBasis")).remove("article");
        }));
        assertThat(r.declarations()).isEmpty();
        assertThat(r.wcoDeclarations()).isEmpty();
        assertThat(r.legalArticle()).isNull();
        assertThat(r.factsSummary()).isNull();
    }

    @Test
    void rejectsMalformedJsonWithLineAndColumn() {
        byte[] body = "{\n  \"partner\": \"DE\",\n  \"requestType\": ,\n}".getBytes(StandardCharsets.UTF_8);
        GatewayException e = reject(body);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(e.errorCode().code()).isEqualTo("malformed_json");
        assertThat(e.detail()).contains("line 3, column");
    }

    @Test
    void rejectsTruncatedJsonAsMalformed() {
        byte[] full = bytes(example());
        byte[] truncated = java.util.Arrays.copyOf(full, full.length / 2);
        assertThat(reject(truncated).errorCode()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void rejectsDuplicateKeysAsMalformed() {
        String json = "{\"partner\":\"DE\",\"partner\":\"FR\",\"requestType\":\"ENQUIRY\","
                + "\"legalBasis\":{\"instrument\":\"X\"},\"purpose\":\"p\"}";
        GatewayException e = reject(json.getBytes(StandardCharsets.UTF_8));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(e.detail()).contains("partner");
    }

    @Test
    void rejectsDuplicateKeysInNestedObject() {
        String json = "{\"partner\":\"DE\",\"requestType\":\"ENQUIRY\","
                + "\"legalBasis\":{\"instrument\":\"X\",\"instrument\":\"Y\"},\"purpose\":\"p\"}";
        assertThat(reject(json.getBytes(StandardCharsets.UTF_8)).errorCode()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"text\"", "42", "null"})
    void rejectsBodyThatIsNotAnObjectAsInvalidAtTheRoot(String body) {
        assertReject(body.getBytes(StandardCharsets.UTF_8), ErrorCode.INVALID_FIELD, "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/partner", "/requestType", "/legalBasis", "/legalBasis/instrument", "/purpose"})
    void rejectsMissingRequiredFieldWithItsPointer(String pointer) {
        assertReject(exampleWithout(pointer), ErrorCode.MISSING_FIELD, pointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/partner", "/legalBasis", "/legalBasis/instrument", "/purpose"})
    void treatsNullRequiredFieldAsMissing(String pointer) {
        assertReject(exampleWithValue(pointer, JSON.nullNode()), ErrorCode.MISSING_FIELD, pointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/partner", "/legalBasis/instrument", "/purpose"})
    void treatsBlankRequiredStringAsMissing(String pointer) {
        assertReject(exampleWithValue(pointer, JSON.getNodeFactory().textNode("   ")), ErrorCode.MISSING_FIELD, pointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/factsSummary", "/legalBasis/article", "/relatedRequestId"})
    void rejectsEmptyOptionalStringAsInvalid(String pointer) {
        assertReject(exampleWithValue(pointer, JSON.getNodeFactory().textNode("")), ErrorCode.INVALID_FIELD, pointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nickname", "/legalBasis/paragraph", "/wcoDeclaration", "/Declarations"})
    void rejectsUnknownFieldWithItsPointer(String pointer) {
        assertReject(exampleWithValue(pointer, JSON.getNodeFactory().textNode("x")), ErrorCode.UNKNOWN_FIELD, pointer);
    }

    @Test
    void escapesUnknownFieldNameInPointer() {
        byte[] body = exampleWith(n -> n.put("a/b~c", "x"));
        assertReject(body, ErrorCode.UNKNOWN_FIELD, "/a~1b~0c");
    }

    @Test
    void unknownFieldDetailListsTheAllowedFields() {
        GatewayException e = reject(exampleWithValue("/nickname", JSON.getNodeFactory().textNode("x")));
        assertThat(e.detail()).contains("nickname").contains(NationalRequestParser.ROOT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/partner | 42",
        "/requestType | true",
        "/purpose | [\"a\"]",
        "/legalBasis | \"EU-REG-515-97\"",
        "/legalBasis/instrument | {\"code\":\"x\"}",
        "/relatedRequestId | 7",
        "/declarations | {}",
        "/declarations | {\"id\":\"26NL0000000000A1B2\"}",
        "/declarations | \"26NL0000000000A1B2\"",
        "/declarations | 1",
        "/wcoDeclarations | {}",
        "/wcoDeclarations | \"<Declaration/>\"",
        "/wcoDeclarations | true",
    })
    void rejectsWrongTypeAsInvalidField(String pointer, String json) throws IOException {
        assertReject(exampleWithValue(pointer, JSON.readTree(json)), ErrorCode.INVALID_FIELD, pointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"26NL0000000000A1B2\"", "42", "[]", "[{}]", "null", "true"})
    void rejectsDeclarationEntryThatIsNotAnObjectWithItsIndex(String json) throws IOException {
        JsonNode entry = JSON.readTree(json);
        assertReject(exampleWith(n -> n.putArray("declarations").add(entry)), ErrorCode.INVALID_FIELD, "/declarations/0");
    }

    @Test
    void pointsAtTheSecondDeclarationWhenItIsNotAnObject() {
        byte[] body = exampleWith(n -> ((ArrayNode) n.get("declarations")).add("second"));
        assertReject(body, ErrorCode.INVALID_FIELD, "/declarations/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"   \"", "\" \\n\\t \"", "42", "{}", "[\"<Declaration/>\"]", "null", "false"})
    void rejectsWcoDeclarationThatIsNotANonBlankStringWithItsIndex(String json) throws IOException {
        JsonNode entry = JSON.readTree(json);
        byte[] body = exampleWith(n -> n.putArray("wcoDeclarations").add("<Declaration/>").add(entry));
        assertReject(body, ErrorCode.INVALID_FIELD, "/wcoDeclarations/1");
    }

    @ParameterizedTest
    @CsvSource({
        "/partner, 35",
        "/purpose, 256",
        "/factsSummary, 4000",
        "/legalBasis/instrument, 256",
        "/legalBasis/article, 35",
        "/relatedRequestId, 70",
    })
    void rejectsStringOneCharacterTooLongButAcceptsTheLimit(String pointer, int limit) {
        assertThat(parser.parse(exampleWithValue(pointer, JSON.getNodeFactory().textNode("A".repeat(limit))))).isNotNull();
        GatewayException e = reject(exampleWithValue(pointer, JSON.getNodeFactory().textNode("A".repeat(limit + 1))));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.detail()).contains(String.valueOf(limit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FISHING", "information", "VERIFICATION OF ORIGIN"})
    void rejectsUnknownRequestType(String type) {
        GatewayException e = reject(exampleWithValue("/requestType", JSON.getNodeFactory().textNode(type)));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo("/requestType");
        assertThat(e.detail()).contains("ENQUIRY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INFORMATION", "VERIFICATION_OF_DECLARATION", "VERIFICATION_OF_ORIGIN", "VERIFICATION_OF_DOCUMENTS",
        "SURVEILLANCE", "ENQUIRY", "NOTIFICATION", "SPONTANEOUS_INFORMATION"})
    void acceptsEveryDocumentedRequestType(String type) {
        assertThat(parser.parse(exampleWithValue("/requestType", JSON.getNodeFactory().textNode(type))).requestType())
                .isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"de", "D", "DE/FR", "-DE"})
    void rejectsBadPartnerId(String partner) {
        assertReject(exampleWithValue("/partner", JSON.getNodeFactory().textNode(partner)), ErrorCode.INVALID_FIELD, "/partner");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "semi;colon", "slash/id"})
    void rejectsRelatedRequestIdWithForbiddenCharacters(String id) {
        assertReject(exampleWithValue("/relatedRequestId", JSON.getNodeFactory().textNode(id)), ErrorCode.INVALID_FIELD,
                "/relatedRequestId");
    }

    @Test
    void rejectsControlCharacterInText() {
        assertReject(exampleWithValue("/purpose", JSON.getNodeFactory().textNode("verify\u0000origin")), ErrorCode.INVALID_FIELD,
                "/purpose");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udfff", "\\ufffe", "\\uffff", "\\u001b", "x\\ud83d"})
    void rejectsCharactersXmlCannotCarryAsInvalidField(String escape) {
        // sent as JSON escapes, which is how a client can smuggle an unpaired surrogate into a string
        String json = new String(exampleWithValue("/factsSummary", JSON.getNodeFactory().textNode("BAD")),
                StandardCharsets.UTF_8).replace("BAD", "Name " + escape + " GmbH");
        assertReject(json.getBytes(StandardCharsets.UTF_8), ErrorCode.INVALID_FIELD, "/factsSummary");
    }

    @Test
    void acceptsCharactersOutsideTheBasicPlaneAndTabsAndNewlines() {
        String json = new String(exampleWithValue("/factsSummary", JSON.getNodeFactory().textNode("BAD")), StandardCharsets.UTF_8)
                .replace("BAD", "line one\\n\\tline two \\ud83d\\udeb2 \u00e9\u4e2d");
        assertThat(parser.parse(json.getBytes(StandardCharsets.UTF_8)).factsSummary())
                .isEqualTo("line one\n\tline two \ud83d\udeb2 \u00e9\u4e2d");
    }

    /** The example with {@code field} holding {@code count} copies of {@code entry}. */
    static byte[] exampleWithEntries(String field, JsonNode entry, int count) {
        return exampleWith(n -> {
            ArrayNode a = n.putArray(field);
            for (int i = 0; i < count; i++) {
                a.add(entry.deepCopy());
            }
        });
    }

    @Test
    void acceptsOneHundredDeclarationsButRejectsMoreAsInvalidArray() {
        JsonNode d = example().at("/declarations/0");
        assertThat(parser.parse(exampleWithEntries("declarations", d, 100)).declarations()).hasSize(100);
        assertReject(exampleWithEntries("declarations", d, 101), ErrorCode.INVALID_FIELD, "/declarations");
    }

    @Test
    void acceptsOneHundredWcoDeclarationsButRejectsMoreAsInvalidArray() {
        JsonNode d = JSON.getNodeFactory().textNode("<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"/>");
        assertThat(parser.parse(exampleWithEntries("wcoDeclarations", d, 100)).wcoDeclarations()).hasSize(100);
        GatewayException e = reject(exampleWithEntries("wcoDeclarations", d, 101));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo("/wcoDeclarations");
        assertThat(e.detail()).contains("100");
    }

    @Test
    void rejectsExcessiveNesting() {
        String deep = "{\"partner\":\"DE\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        GatewayException e = reject(deep.getBytes(StandardCharsets.UTF_8));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }
}
