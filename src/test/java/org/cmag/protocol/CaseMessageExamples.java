package org.cmag.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.cmag.cases.CaseEvent;

/** The documented national case messages: the example of each branch of {@code schemas/national/case-message.schema.json}. */
final class CaseMessageExamples {
    static final Path SCHEMA = Path.of("schemas/national/case-message.schema.json");
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode SCHEMA_TREE = read();

    private CaseMessageExamples() {}

    private static JsonNode read() {
        try {
            return JSON.readTree(Files.readAllBytes(SCHEMA));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema branch of a type: /$defs/TYPE. */
    static JsonNode branch(CaseEvent type) {
        return SCHEMA_TREE.path("$defs").path(type.name());
    }

    /** A fresh copy of the documented example of a type. */
    static ObjectNode example(CaseEvent type) {
        JsonNode ex = branch(type).path("examples").path(0);
        if (!ex.isObject()) {
            throw new AssertionError("no example for " + type + " in " + SCHEMA);
        }
        return ((ObjectNode) ex).deepCopy();
    }

    static ObjectNode example(CaseEvent type, Consumer<ObjectNode> change) {
        ObjectNode x = example(type);
        change.accept(x);
        return x;
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
