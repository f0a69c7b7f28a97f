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
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.wco.WcoPaths;
import org.cmag.wco.WcoPaths.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps {@code schemas/national/assistance-request.schema.json} and {@link NationalRequestParser} in step
 * (the same field names, required fields, length and count limits at the request levels), and
 * {@code schemas/national/declaration.schema.json} in step with the carried paths of the WCO path table.
 */
class NationalRequestSchemaSyncTest {
    private static final Path SCHEMA = Path.of("schemas/national/assistance-request.schema.json");
    private static final Path DECLARATION_SCHEMA = Path.of("schemas/national/declaration.schema.json");
    private static final WcoPaths PATHS = WcoPaths.load();
    private static JsonNode schema;
    private static JsonNode declarationSchema;

    private final NationalRequestParser parser = new NationalRequestParser();

    @BeforeAll
    static void readSchema() throws IOException {
        schema = JSON.readTree(Files.readAllBytes(SCHEMA));
        declarationSchema = JSON.readTree(Files.readAllBytes(DECLARATION_SCHEMA));
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
                new Level("legalBasis", "/properties/legalBasis", "/legalBasis", NationalRequestParser.LEGAL_BASIS));
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
    void declarationsAreArraysOfDeclarationSchemaObjectsAndWcoDeclarationsOfStrings() throws IOException {
        assertThat(schemaAt("/properties/declarations/type").asText()).isEqualTo("array");
        String ref = schemaAt("/properties/declarations/items/$ref").asText();
        assertThat(ref).isEqualTo("declaration.schema.json");
        Path declaration = SCHEMA.resolveSibling(ref);
        assertThat(declaration).isRegularFile();
        assertThat(JSON.readTree(Files.readAllBytes(declaration)).path("type").asText()).isEqualTo("object");
        assertThat(schema.has("$defs")).as("declaration levels live in declaration.schema.json only").isFalse();

        assertThat(schemaAt("/properties/wcoDeclarations/type").asText()).isEqualTo("array");
        assertThat(schemaAt("/properties/wcoDeclarations/items/type").asText()).isEqualTo("string");
        assertThat(schemaAt("/properties/wcoDeclarations/items/minLength").intValue()).isEqualTo(1);
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

    /** Every schema maxLength / maxItems of the request levels: the limit is accepted, one more is invalid_field at that pointer. */
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
        assertThat(limits).extracting(Limit::pointer).contains("/legalBasis/instrument", "/purpose", "/declarations",
                "/wcoDeclarations");
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

    private static Set<String> carriedChildKeys(String classPath) {
        return PATHS.children(classPath).stream().filter(Row::carried).map(Row::jsonKey).collect(Collectors.toSet());
    }

    @Test
    void declarationSchemaTopLevelPropertiesAreTheCarriedChildrenOfDeclaration() {
        Set<String> carried = carriedChildKeys("Declaration");
        assertThat(carried).contains("id", "typeCode", "exporter", "goodsShipment")
                .doesNotContain("authentication"); // in the table, not carried
        assertThat(names(declarationSchema.path("properties").fieldNames())).isEqualTo(carried);
        assertThat(declarationSchema.path("type").asText()).isEqualTo("object");
        assertThat(declarationSchema.path("additionalProperties").isBoolean()
                && !declarationSchema.path("additionalProperties").booleanValue()).isTrue();
    }

    /**
     * The whole declaration schema against the path table: every carried class is a closed object (an array of
     * them where repeatable) whose properties are exactly its carried children; leaves are values, date-times
     * WCO date-time objects. Nothing else is in the schema.
     */
    @Test
    void declarationSchemaTreeHasExactlyTheCarriedWcoPaths() {
        List<String> visited = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        walk(PATHS.find("Declaration").orElseThrow(), declarationSchema, "", visited, problems);

        assertThat(problems).isEmpty();
        List<String> carriedClasses = PATHS.all().stream().filter(r -> r.carried() && r.isClass()).map(Row::path).toList();
        assertThat(carriedClasses).hasSizeGreaterThan(100);
        assertThat(visited).containsExactlyInAnyOrderElementsOf(carriedClasses);
    }

    private static void walk(Row cls, JsonNode node, String at, List<String> visited, List<String> problems) {
        visited.add(cls.path());
        if (!node.path("type").asText().equals("object")
                || !(node.path("additionalProperties").isBoolean() && !node.path("additionalProperties").booleanValue())) {
            problems.add(cls.path() + " at '" + at + "' is not a closed object");
        }
        List<Row> carried = PATHS.children(cls.path()).stream().filter(Row::carried).toList();
        Set<String> expected = carriedChildKeys(cls.path());
        if (expected.size() != carried.size()) {
            problems.add(cls.path() + " has children with the same JSON key: " + carried.stream().map(Row::element).toList());
        }
        Set<String> actual = names(node.path("properties").fieldNames());
        if (!actual.equals(expected)) {
            Set<String> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            problems.add(cls.path() + " at '" + at + "': extra keys " + extra + ", missing keys " + missing);
        }
        for (Row child : carried) {
            JsonNode prop = node.path("properties").path(child.jsonKey());
            if (prop.isMissingNode()) {
                continue; // reported above
            }
            String where = at + "/properties/" + child.jsonKey();
            boolean array = prop.path("type").asText().equals("array");
            if (array != child.repeatable()) {
                problems.add(child.path() + " at '" + where + "' is " + (array ? "" : "not ") + "an array, repeatable="
                        + child.repeatable());
                continue;
            }
            JsonNode element = array ? prop.path("items") : prop;
            String elementAt = array ? where + "/items" : where;
            if (child.isClass()) {
                walk(child, element, elementAt, visited, problems);
            } else if (child.isDateTime()) {
                if (!names(element.path("properties").fieldNames()).equals(Set.of("dateTimeString", "formatCode"))) {
                    problems.add(child.path() + " at '" + elementAt + "' is not a WCO date-time object");
                }
            } else if (element.has("properties") || !element.path("oneOf").path(0).path("type").asText().equals("string")) {
                problems.add(child.path() + " at '" + elementAt + "' is not a value (string or value object)");
            }
        }
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
            JsonNode items = schema.at("/properties/" + field + "/items");
            JsonNode template = array != null && !array.isEmpty() ? array.get(0)
                    : items.path("type").asText().equals("string") ? JSON.getNodeFactory().textNode("<Declaration/>")
                    : JSON.createObjectNode();
            ArrayNode grown = JSON.createArrayNode();
            for (int i = 0; i < n; i++) {
                grown.add(template.deepCopy());
            }
            parent.set(field, grown);
        }
        return bytes(x);
    }
}
