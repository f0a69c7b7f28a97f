package org.cmag.national;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Parses and validates a national assistance request. Every reject names the field by JSON pointer and
 * carries a stable code: {@code malformed_json}, {@code missing_field}, {@code invalid_field}, {@code unknown_field}.
 * The accepted shape is documented as JSON Schema in {@code schemas/national/assistance-request.schema.json};
 * a test keeps the two in step.
 */
public final class NationalRequestParser {
    static final Set<String> REQUEST_TYPES = Set.of("INFORMATION", "VERIFICATION_OF_DECLARATION", "VERIFICATION_OF_ORIGIN",
            "VERIFICATION_OF_DOCUMENTS", "SURVEILLANCE", "ENQUIRY", "NOTIFICATION", "SPONTANEOUS_INFORMATION");

    static final Set<String> ROOT = Set.of("partner", "requestType", "legalBasis", "purpose", "purposeCode", "relatedRequestId",
            "factsSummary", "declarations", "wcoDeclarations");
    static final Set<String> LEGAL_BASIS = Set.of("instrument", "article");

    private final JsonFields json = new JsonFields();

    public NationalRequest parse(byte[] body) {
        JsonNode root = json.readObject(body);
        JsonFields.onlyKnown(root, "", ROOT);
        JsonNode legal = object(root, "", "legalBasis", true);
        JsonFields.onlyKnown(legal, "/legalBasis", LEGAL_BASIS);
        String requestType = JsonFields.text(root, "", "requestType", true, 40);
        if (!REQUEST_TYPES.contains(requestType)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "requestType '" + requestType + "' is not one of "
                    + new java.util.TreeSet<>(REQUEST_TYPES), "/requestType");
        }
        String related = JsonFields.text(root, "", "relatedRequestId", false, 70);
        if (related != null && !JsonFields.IDENTIFIER.matcher(related).matches()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "relatedRequestId may contain letters, digits and . _ : - only", "/relatedRequestId");
        }
        return new NationalRequest(
                pattern(JsonFields.text(root, "", "partner", true, 35), "/partner", "[A-Z0-9][A-Z0-9\\-]{1,34}", "an upper-case authority id such as DE"),
                requestType,
                JsonFields.text(legal, "/legalBasis", "instrument", true, 256),
                JsonFields.text(legal, "/legalBasis", "article", false, 35),
                JsonFields.text(root, "", "purpose", true, 256),
                related,
                JsonFields.text(root, "", "factsSummary", false, 4000),
                objects(root, "", "declarations", 100),
                strings(root, "", "wcoDeclarations", 100),
                purposeCode(JsonFields.text(root, "", "purposeCode", false, 40)));
    }


    private static String purposeCode(String code) {
        return code == null ? null : pattern(code, "/purposeCode", "[A-Z][A-Z0-9_]{1,39}", "an upper-case purpose code of the agreement");
    }

    private static String pattern(String v, String pointer, String regex, String what) {
        if (!v.matches(regex)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, pointer.substring(pointer.lastIndexOf('/') + 1) + " must be " + what, pointer);
        }
        return v;
    }



    private static JsonNode object(JsonNode parent, String at, String field, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new GatewayException(ErrorCode.MISSING_FIELD, field + " is required", at + "/" + field);
            }
            return null;
        }
        if (!n.isObject()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " must be an object", at + "/" + field);
        }
        return n;
    }


    /** Declaration objects, checked field by field later against the WCO path table (pointers stay exact). */
    private static List<JsonNode> objects(JsonNode parent, String at, String field, int max) {
        return list(parent, at, field, max, (n, p) -> n);
    }

    private static List<String> strings(JsonNode parent, String at, String field, int max) {
        JsonNode n = parent.get(field);
        String pointer = at + "/" + field;
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray() || n.size() > max) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " must be an array of at most " + max + " XML documents", pointer);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual() || n.get(i).textValue().isBlank()) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, field + " entries must be WCO DEC-DMS XML documents as strings", pointer + "/" + i);
            }
            out.add(n.get(i).textValue());
        }
        return List.copyOf(out);
    }

    private static <T> List<T> list(JsonNode parent, String at, String field, int max, BiFunction<JsonNode, String, T> item) {
        JsonNode n = parent.get(field);
        String pointer = at + "/" + field;
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " must be an array", pointer);
        }
        if (n.size() > max) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " has more than " + max + " entries", pointer);
        }
        List<T> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isObject()) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, field + " entries must be objects", pointer + "/" + i);
            }
            out.add(item.apply(e, pointer + "/" + i));
        }
        return List.copyOf(out);
    }
}
