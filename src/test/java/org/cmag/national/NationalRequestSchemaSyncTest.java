package org.cmag.national;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cmag.national.NationalRequestParserTest.JSON;
import static org.cmag.national.NationalRequestParserTest.bytes;
import static org.cmag.national.NationalRequestParserTest.example;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps {@code schemas/national/assistance-request.schema.json} and {@link NationalRequestParser} in step:
 * the same field names at every level, the same required fields, the same length and count limits.
 */
class NationalRequestSchemaSyncTest {
    private static final Path SCHEMA = Path.of("schemas/national/assistance-request.schema.json");
    private static JsonNode schema;

    private final NationalRequestParser parser = new NationalRequestParser();

    @BeforeAll
    static void readSchema() throws IOException {
        schema = JSON.readTree(Files.readAllBytes(SCHEMA));
    }

    /** A level of the request: where the schema describes it, where the example has an instance, and the parser's set. */
    record Level(String name, String schemaPointer, String instancePointer, Set<String> parserFields) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Level> levels() {
        return Stream.of(
                new Level("root", "", "", NationalRequestParser.ROOT),
                new Level("legalBasis", "/properties/legalBasis", "/legalBasis", NationalRequestParser.LEGAL_BASIS),
                new Level("declaration", "/$defs/declaration", "/declarations/0", NationalRequestParser.DECLARATION),
                new Level("party", "/$defs/party", "/declarations/0/exporter", NationalRequestParser.PARTY),
                new Level("address", "/$defs/party/properties/address", "/declarations/0/exporter/address",
                        NationalRequestParser.ADDRESS),
                new Level("goodsItem", "/$defs/goodsItem", "/declarations/0/goodsItems/0", NationalRequestParser.GOODS_ITEM),
                new Level("classification", "/$defs/goodsItem/properties/classifications/items",
                        "/declarations/0/goodsItems/0/classifications/0", NationalRequestParser.CLASSIFICATION));
    }

    private static JsonNode schemaAt(String pointer) {
        JsonNode n = schema.at(pointer);
        assertThat(n.isMissingNode()).as("schema has %s", pointer).isFalse();
        return n;
    }

    private static Set<String> names(Iterator<String> it) {
        Set<String> out = new HashSet<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static Set<String> required(JsonNode level) {
        Set<String> out = new HashSet<>();
        level.path("required").forEach(r -> out.add(r.asText()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levels")
    void schemaPropertiesEqualParserFieldSet(Level level) {
        JsonNode node = schemaAt(level.schemaPointer());
        assertThat(names(node.path("properties").fieldNames())).isEqualTo(level.parserFields());
        assertThat(node.path("additionalProperties").isBoolean() && !node.path("additionalProperties").booleanValue())
                .as("%s forbids additional properties like the parser does", level).isTrue();
        assertThat(level.parserFields()).containsAll(required(node));
    }

    @Test
    void schemaRefsPointAtTheLevelsTheParserReads() {
        assertThat(schemaAt("/properties/declarations/items/$ref").asText()).isEqualTo("#/$defs/declaration");
        assertThat(schemaAt("/$defs/declaration/properties/exporter/$ref").asText()).isEqualTo("#/$defs/party");
        assertThat(schemaAt("/$defs/declaration/properties/importer/$ref").asText()).isEqualTo("#/$defs/party");
        assertThat(schemaAt("/$defs/declaration/properties/goodsItems/items/$ref").asText()).isEqualTo("#/$defs/goodsItem");
    }

    @Test
    void schemaRequestTypesEqualParserRequestTypes() {
        Set<String> inSchema = new HashSet<>();
        schemaAt("/properties/requestType/enum").forEach(t -> inSchema.add(t.asText()));
        assertThat(inSchema).isEqualTo(NationalRequestParser.REQUEST_TYPES);
    }

    @Test
    void exampleHasAnInstanceOfEveryLevel() {
        ObjectNode x = example();
        levels().forEach(l -> assertThat(x.at(l.instancePointer()).isObject()).as("example has %s", l).isTrue());
    }

    /**
     * For every property of every level: removing it from the example gives missing_field with its pointer
     * exactly when the schema lists it as required, and parses otherwise.
     */
    @TestFactory
    Stream<DynamicTest> parserRequiresExactlyTheSchemaRequiredFields() {
        return levels().flatMap(level -> {
            JsonNode node = schemaAt(level.schemaPointer());
            Set<String> required = required(node);
            List<DynamicTest> tests = new ArrayList<>();
            node.path("properties").fieldNames().forEachRemaining(field -> {
                String pointer = level.instancePointer() + "/" + field;
                boolean isRequired = required.contains(field);
                tests.add(DynamicTest.dynamicTest(pointer + (isRequired ? " required" : " optional"), () -> {
                    ObjectNode x = example();
                    ((ObjectNode) x.at(level.instancePointer())).remove(field);
                    if (isRequired) {
                        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(bytes(x)));
                        assertThat(e).as("removing required %s must be rejected", pointer).isNotNull();
                        assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.MISSING_FIELD);
                        assertThat(e.pointer()).isEqualTo(pointer);
                    } else {
                        assertThat(parser.parse(bytes(x))).as("removing optional %s must be accepted", pointer).isNotNull();
                    }
                }));
            });
            return tests.stream();
        });
    }

    /** Every schema maxLength / maxItems: the limit is accepted, one more is invalid_field at that pointer. */
    @TestFactory
    Stream<DynamicTest> parserEnforcesTheSchemaLimits() {
        record Limit(String pointer, String kind, int limit) {}
        List<Limit> limits = new ArrayList<>();
        levels().forEach(level -> schemaAt(level.schemaPointer()).path("properties").properties().forEach(p -> {
            JsonNode prop = p.getValue();
            if (prop.has("maxLength")) {
                limits.add(new Limit(level.instancePointer() + "/" + p.getKey(), "maxLength", prop.get("maxLength").intValue()));
            }
            if (prop.has("maxItems")) {
                limits.add(new Limit(level.instancePointer() + "/" + p.getKey(), "maxItems", prop.get("maxItems").intValue()));
            }
        }));
        assertThat(limits).hasSizeGreaterThan(15);
        return limits.stream().map(a -> {
            String pointer = a.pointer();
            String kind = a.kind();
            int limit = a.limit();
            return DynamicTest.dynamicTest(pointer + " " + kind + " " + limit, () -> {
                assertThat(parser.parse(withSize(pointer, kind, limit))).isNotNull();
                GatewayException e = catchThrowableOfType(GatewayException.class,
                        () -> parser.parse(withSize(pointer, kind, limit + 1)));
                assertThat(e).as("%s of %d must be rejected", kind, limit + 1).isNotNull();
                assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.INVALID_FIELD);
                assertThat(e.pointer()).isEqualTo(pointer);
            });
        });
    }

    /** The example with the string at {@code pointer} of length {@code n}, or its array grown/filled to n entries. */
    private static byte[] withSize(String pointer, String kind, int n) {
        ObjectNode x = example();
        JsonPointer p = JsonPointer.compile(pointer);
        ObjectNode parent = (ObjectNode) x.at(p.head());
        String field = p.last().getMatchingProperty();
        if (kind.equals("maxLength")) {
            parent.put(field, "A".repeat(n));
        } else {
            ArrayNode array = (ArrayNode) parent.get(field);
            JsonNode template = array == null || array.isEmpty() ? JSON.createObjectNode() : array.get(0);
            ArrayNode grown = JSON.createArrayNode();
            for (int i = 0; i < n; i++) {
                grown.add(template.deepCopy());
            }
            parent.set(field, grown);
        }
        return bytes(x);
    }
}
