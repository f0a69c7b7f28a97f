package org.cmag.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cmag.protocol.CaseMessageExamples.JSON;
import static org.cmag.protocol.CaseMessageExamples.SCHEMA;
import static org.cmag.protocol.CaseMessageExamples.SCHEMA_TREE;
import static org.cmag.protocol.CaseMessageExamples.bytes;
import static org.cmag.protocol.CaseMessageExamples.example;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cmag.cases.CaseEvent;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ConsentDecisionCode;
import org.cmag.exchange.v1.ConsentUseCode;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.exchange.v1.RefusalScopeCode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps {@code schemas/national/case-message.schema.json} and {@link ProtocolMessageParser} in step: the same types,
 * field names, required fields (also those required by an if/then of the branch), limits, code lists, date and
 * identifier formats. Every check is driven by the schema and run against the parser with the branch's example.
 */
class CaseMessageSchemaSyncTest {
    private final ProtocolMessageParser parser = new ProtocolMessageParser();

    /** A level of a message: where the schema describes it, where its example has an instance, and the parser's field set. */
    record Level(CaseEvent type, String schemaPointer, String instancePointer, Set<String> parserFields) {
        JsonNode schema() {
            JsonNode n = SCHEMA_TREE.at(schemaPointer);
            assertThat(n.isMissingNode()).as("%s has %s", SCHEMA, schemaPointer).isFalse();
            return n;
        }

        @Override
        public String toString() {
            return type + instancePointer;
        }
    }

    static Stream<Level> levels() {
        Stream<Level> roots = ProtocolMessageParser.acceptedTypes().stream()
                .map(t -> new Level(t, "/$defs/" + t.name(), "", ProtocolMessageParser.FIELDS.get(t)));
        return Stream.concat(roots, Stream.of(new Level(CaseEvent.CORRECTION_REQUEST,
                "/$defs/CORRECTION_REQUEST/properties/items/items", "/items/0", ProtocolMessageParser.CORRECTION_ITEM)));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new HashSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Required fields of a level for its example: "required", plus the "then.required" of every if/then whose if holds. */
    private static Set<String> required(Level level, ObjectNode example) {
        JsonNode node = level.schema();
        Set<String> out = texts(node.path("required"));
        List<JsonNode> conditionals = new ArrayList<>();
        conditionals.add(node);
        node.path("allOf").forEach(conditionals::add);
        JsonNode instance = example.at(level.instancePointer());
        for (JsonNode c : conditionals) {
            if (!c.has("if")) {
                continue;
            }
            boolean holds = true;
            for (var p : c.path("if").path("properties").properties()) {
                holds &= p.getValue().path("const").equals(instance.path(p.getKey()));
            }
            if (holds) {
                out.addAll(texts(c.path("then").path("required")));
            }
        }
        return out;
    }

    private GatewayException reject(ObjectNode x, String what) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(bytes(x)));
        assertThat(e).as("%s must be rejected", what).isNotNull();
        return e;
    }

    @Test
    void schemaTypesAreTheParsersAcceptedTypes() {
        Set<String> accepted = ProtocolMessageParser.acceptedTypes().stream().map(Enum::name).collect(Collectors.toSet());
        assertThat(texts(SCHEMA_TREE.at("/properties/type/enum"))).isEqualTo(accepted);
        assertThat(names(SCHEMA_TREE.path("$defs"))).isEqualTo(accepted);
        Set<String> refs = new HashSet<>();
        SCHEMA_TREE.path("oneOf").forEach(r -> refs.add(r.path("$ref").asText()));
        assertThat(refs).isEqualTo(accepted.stream().map(t -> "#/$defs/" + t).collect(Collectors.toSet()));
        accepted.forEach(t -> assertThat(SCHEMA_TREE.at("/$defs/" + t + "/properties/type/const").asText()).isEqualTo(t));
    }

    @Test
    void everyLevelOfEveryTypeHasAnExampleInstance() {
        levels().forEach(l -> assertThat(example(l.type()).at(l.instancePointer()).isObject()).as("example of %s", l).isTrue());
    }

    @TestFactory
    Stream<DynamicTest> schemaPropertiesEqualParserFieldSets() {
        return levels().map(level -> DynamicTest.dynamicTest(level.toString(), () -> {
            JsonNode node = level.schema();
            assertThat(names(node.path("properties"))).isEqualTo(level.parserFields());
            assertThat(node.path("additionalProperties").isBoolean() && !node.path("additionalProperties").booleanValue())
                    .as("%s forbids additional properties like the parser does", level).isTrue();
            assertThat(level.parserFields()).containsAll(texts(node.path("required")));
        }));
    }

    /**
     * For every property of every level: removing it from the example gives missing_field with its pointer exactly when the
     * schema requires it (for this example), and parses otherwise.
     */
    @TestFactory
    Stream<DynamicTest> parserRequiresExactlyTheSchemaRequiredFields() {
        return levels().flatMap(level -> {
            Set<String> required = required(level, example(level.type()));
            List<DynamicTest> tests = new ArrayList<>();
            level.schema().path("properties").fieldNames().forEachRemaining(field -> {
                String pointer = level.instancePointer() + "/" + field;
                boolean isRequired = required.contains(field);
                tests.add(DynamicTest.dynamicTest(level.type() + pointer + (isRequired ? " required" : " optional"), () -> {
                    ObjectNode x = example(level.type());
                    ((ObjectNode) x.at(level.instancePointer())).remove(field);
                    if (isRequired) {
                        GatewayException e = reject(x, "removing required " + pointer);
                        assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.MISSING_FIELD);
                        assertThat(e.pointer()).isEqualTo(pointer);
                    } else {
                        assertThat(parser.parse(bytes(x)).event()).isEqualTo(level.type());
                    }
                }));
            });
            return tests.stream();
        });
    }

    /** A limit of the schema: the value at pointer, made n long (maxLength) or n entries (maxItems). */
    record Limit(CaseEvent type, String pointer, String kind, int limit) {}

    private static List<Limit> limits() {
        List<Limit> out = new ArrayList<>();
        levels().forEach(level -> level.schema().path("properties").properties().forEach(p -> {
            String pointer = level.instancePointer() + "/" + p.getKey();
            JsonNode prop = p.getValue();
            if (prop.has("maxLength")) {
                out.add(new Limit(level.type(), pointer, "maxLength", prop.get("maxLength").intValue()));
            }
            if (prop.has("maxItems")) {
                out.add(new Limit(level.type(), pointer, "maxItems", prop.get("maxItems").intValue()));
            }
            if (prop.path("items").has("maxLength")) {
                out.add(new Limit(level.type(), pointer + "/0", "maxLength", prop.get("items").get("maxLength").intValue()));
            }
        }));
        return out;
    }

    @TestFactory
    Stream<DynamicTest> parserEnforcesTheSchemaLimits() {
        List<Limit> limits = limits();
        assertThat(limits).extracting(l -> l.type() + l.pointer()).contains("REFUSAL/reason", "REFUSAL/partialScope",
                "FINAL_RESPONSE/summary", "FINAL_RESPONSE/declarations", "FINAL_RESPONSE/wcoResponses", "CORRECTION_REQUEST/items/0/pointer",
                "CONDITIONS_PROPOSAL/conditions", "CONDITIONS_PROPOSAL/conditions/0", "FORWARDING_NOTICE/forwardedTo");
        return limits.stream().map(l -> DynamicTest.dynamicTest(l.type() + l.pointer() + " " + l.kind() + " " + l.limit(), () -> {
            assertThat(parser.parse(withSize(l, l.limit())).event()).isEqualTo(l.type());
            GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(withSize(l, l.limit() + 1)));
            assertThat(e).as("%s of %d must be rejected", l.kind(), l.limit() + 1).isNotNull();
            assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.pointer()).isEqualTo(l.pointer());
        }));
    }

    private static byte[] withSize(Limit l, int n) {
        ObjectNode x = example(l.type());
        JsonPointer p = JsonPointer.compile(l.pointer());
        JsonNode parent = x.at(p.head());
        if (l.kind().equals("maxLength")) {
            if (parent.isArray()) {
                ((ArrayNode) parent).set(p.last().getMatchingIndex(), "A".repeat(n));
            } else {
                ((ObjectNode) parent).put(p.last().getMatchingProperty(), "A".repeat(n));
            }
            return bytes(x);
        }
        String field = p.last().getMatchingProperty();
        ArrayNode array = (ArrayNode) parent.get(field);
        JsonNode template = array != null && !array.isEmpty() ? array.get(0) : JSON.getNodeFactory().textNode("<Declaration/>");
        ArrayNode grown = ((ObjectNode) parent).putArray(field);
        for (int i = 0; i < n; i++) {
            grown.add(template.deepCopy());
        }
        return bytes(x);
    }

    @Test
    void schemaCodeListsAreTheParsersAndTheExchangeSchemas() {
        Function<Set<? extends Enum<?>>, Set<String>> names = s -> s.stream().map(Enum::name).collect(Collectors.toSet());
        assertThat(texts(SCHEMA_TREE.at("/$defs/REFUSAL/properties/grounds/items/enum")))
                .isEqualTo(names.apply(ProtocolMessageParser.REFUSAL_GROUNDS))
                .doesNotContain("POSTPONE_ONGOING_PROCEEDINGS", "NOT_COVERED_BY_AGREEMENT");
        assertThat(texts(SCHEMA_TREE.at("/$defs/POSTPONEMENT_NOTICE/properties/ground/enum")))
                .isEqualTo(names.apply(ProtocolMessageParser.NATIONAL_GROUNDS))
                .hasSize(RefusalGroundCode.values().length - 1);
        assertThat(texts(SCHEMA_TREE.at("/$defs/REFUSAL/properties/scope/enum")))
                .isEqualTo(names.apply(Set.of(RefusalScopeCode.values())));
        assertThat(texts(SCHEMA_TREE.at("/$defs/CONSENT_REQUEST/properties/use/enum")))
                .isEqualTo(names.apply(Set.of(ConsentUseCode.values())));
        assertThat(texts(SCHEMA_TREE.at("/$defs/CONSENT_DECISION/properties/decision/enum")))
                .isEqualTo(names.apply(Set.of(ConsentDecisionCode.values())));
    }

    /** Every enum, date and identifier property: a value outside it is invalid_field at its pointer. */
    @TestFactory
    Stream<DynamicTest> parserRejectsValuesOutsideTheSchemaFormats() {
        record Bad(CaseEvent type, String pointer, JsonNode value) {}
        List<Bad> bad = new ArrayList<>();
        levels().forEach(level -> level.schema().path("properties").properties().forEach(p -> {
            String pointer = level.instancePointer() + "/" + p.getKey();
            JsonNode prop = p.getValue();
            if (p.getKey().equals("type")) {
                return; // covered by the parser test
            }
            if (prop.has("enum")) {
                bad.add(new Bad(level.type(), pointer, JSON.getNodeFactory().textNode("NOT_A_CODE")));
            }
            if (prop.path("items").has("enum")) {
                bad.add(new Bad(level.type(), pointer + "/0", JSON.getNodeFactory().textNode("NOT_A_CODE")));
            }
            if (prop.path("format").asText().equals("date")) {
                bad.add(new Bad(level.type(), pointer, JSON.getNodeFactory().textNode("2027-02-30")));
            }
            if (prop.has("pattern") && !prop.has("format")) {
                bad.add(new Bad(level.type(), pointer, JSON.getNodeFactory().textNode("not an id")));
            }
            if (prop.path("type").asText().equals("boolean")) {
                bad.add(new Bad(level.type(), pointer, JSON.getNodeFactory().textNode("yes")));
            }
        }));
        assertThat(bad).extracting(b -> b.type() + b.pointer()).contains("REFUSAL/grounds/0", "REFUSAL/scope",
                "POSTPONEMENT_NOTICE/postponedUntil", "CONSENT_REQUEST/messageRef", "CONDITIONS_ACCEPTANCE/accepted");
        return bad.stream().map(b -> DynamicTest.dynamicTest(b.type() + b.pointer() + " = " + b.value(), () -> {
            ObjectNode x = example(b.type());
            JsonPointer p = JsonPointer.compile(b.pointer());
            JsonNode parent = x.at(p.head());
            if (parent.isArray()) {
                ((ArrayNode) parent).set(p.last().getMatchingIndex(), b.value());
            } else {
                ((ObjectNode) parent).set(p.last().getMatchingProperty(), b.value());
            }
            GatewayException e = reject(x, b.toString());
            assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.pointer()).isEqualTo(b.pointer());
        }));
    }

    @Test
    void refusalGroundsAreUniqueInSchemaAndParser() {
        assertThat(SCHEMA_TREE.at("/$defs/REFUSAL/properties/grounds/uniqueItems").booleanValue()).isTrue();
        ObjectNode x = example(CaseEvent.REFUSAL);
        ((ArrayNode) x.get("grounds")).add(x.get("grounds").get(0).asText());
        assertThat(reject(x, "a ground twice").pointer()).isEqualTo("/grounds/1");
    }

    @Test
    void declarationsReferToTheDeclarationSchema() {
        for (String t : List.of("REQUEST_COMPLETION", "PARTIAL_RESPONSE", "FINAL_RESPONSE")) {
            assertThat(SCHEMA_TREE.at("/$defs/" + t + "/properties/declarations/items/$ref").asText()).isEqualTo("declaration.schema.json");
        }
        assertThat(SCHEMA.resolveSibling("declaration.schema.json")).isRegularFile();
    }

    @Test
    void examplesCoverEveryAcceptedType() {
        Map<String, JsonNode> examples = Arrays.stream(CaseEvent.values()).filter(ProtocolMessageParser.acceptedTypes()::contains)
                .collect(Collectors.toMap(Enum::name, CaseMessageExamples::example));
        assertThat(examples).hasSize(ProtocolMessageParser.acceptedTypes().size());
        examples.forEach((t, x) -> assertThat(x.path("type").asText()).isEqualTo(t));
    }
}
