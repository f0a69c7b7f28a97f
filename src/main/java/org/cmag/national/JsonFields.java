package org.cmag.national;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Field readers for national JSON in the style of {@link org.cmag.national.NationalRequestParser}: every reject is a
 * {@link GatewayException} with a stable code ({@code malformed_json}, {@code missing_field}, {@code invalid_field},
 * {@code unknown_field}) and the JSON pointer of the field. {@code at} is the pointer of the object read from.
 */
public final class JsonFields {
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9._:\\-]{1,70}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final ObjectMapper mapper;

    public JsonFields() {
        this.mapper = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    /** The body as a JSON object. */
    public JsonNode readObject(byte[] json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new GatewayException(ErrorCode.MALFORMED_JSON, "The body is not well-formed JSON" + where + ": " + e.getOriginalMessage(), "");
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.MALFORMED_JSON, "The body could not be read as JSON", "");
        }
        if (root == null || !root.isObject()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "The body must be a JSON object", "");
        }
        return root;
    }

    public static void onlyKnown(JsonNode n, String at, Set<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new GatewayException(ErrorCode.UNKNOWN_FIELD, "Field '" + name + "' is not defined here; allowed: "
                        + new TreeSet<>(known), at + "/" + escape(name));
            }
        }
    }

    public static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode present(JsonNode parent, String at, String field, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new GatewayException(ErrorCode.MISSING_FIELD, field + " is required", at + "/" + field);
            }
            return null;
        }
        return n;
    }

    public static String text(JsonNode parent, String at, String field, boolean required, int maxLength) {
        JsonNode n = present(parent, at, field, required);
        return n == null ? null : textValue(n, at + "/" + field, field, required, maxLength);
    }

    /** A string value: stripped, not empty, at most maxLength characters, nothing XML 1.0 cannot carry. */
    private static String textValue(JsonNode n, String pointer, String name, boolean required, int maxLength) {
        if (!n.isTextual()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, name + " must be a string", pointer);
        }
        String v = n.textValue().strip();
        if (v.isEmpty()) {
            throw new GatewayException(required ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD, name + " must not be empty", pointer);
        }
        if (v.length() > maxLength) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, name + " is longer than " + maxLength + " characters", pointer);
        }
        if (v.codePoints().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t'
                || c >= 0xD800 && c <= 0xDFFF || c == 0xFFFE || c == 0xFFFF)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, name + " contains control characters or non-characters", pointer);
        }
        return v;
    }

    /** A message identifier as the exchange schema's IdentifierType allows it. */
    public static String identifier(JsonNode parent, String at, String field, boolean required) {
        String v = text(parent, at, field, required, 70);
        if (v != null && !IDENTIFIER.matcher(v).matches()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " may contain letters, digits and . _ : - only", at + "/" + field);
        }
        return v;
    }

    /** A calendar date YYYY-MM-DD. */
    public static LocalDate date(JsonNode parent, String at, String field, boolean required) {
        JsonNode n = present(parent, at, field, required);
        if (n == null) {
            return null;
        }
        String pointer = at + "/" + field;
        if (!n.isTextual() || !DATE.matcher(n.textValue()).matches()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " must be a date YYYY-MM-DD", pointer);
        }
        try {
            return LocalDate.parse(n.textValue());
        } catch (DateTimeParseException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " is not a calendar date: " + n.textValue(), pointer);
        }
    }

    public static Boolean bool(JsonNode parent, String at, String field, boolean required) {
        JsonNode n = present(parent, at, field, required);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " must be true or false", at + "/" + field);
        }
        return n.booleanValue();
    }

    /** One of the allowed constants of an enum, by name. */
    public static <E extends Enum<E>> E code(JsonNode parent, String at, String field, boolean required, Set<E> allowed) {
        JsonNode n = present(parent, at, field, required);
        return n == null ? null : codeValue(n, at + "/" + field, field, allowed);
    }

    private static <E extends Enum<E>> E codeValue(JsonNode n, String pointer, String name, Set<E> allowed) {
        if (n.isTextual()) {
            for (E e : allowed) {
                if (e.name().equals(n.textValue())) {
                    return e;
                }
            }
        }
        TreeSet<String> names = new TreeSet<>();
        allowed.forEach(e -> names.add(e.name()));
        throw new GatewayException(ErrorCode.INVALID_FIELD, name + " " + (n.isTextual() ? "'" + n.textValue() + "' " : "")
                + "is not one of " + names, pointer);
    }

    /** An array of constants; absent is empty unless required, present it has 1..max entries. */
    public static <E extends Enum<E>> List<E> codes(JsonNode parent, String at, String field, boolean required, int max, Set<E> allowed) {
        return list(parent, at, field, required, max, (n, p) -> codeValue(n, p, field + " entries", allowed));
    }

    /** An array of strings of at most maxLength characters each. */
    public static List<String> texts(JsonNode parent, String at, String field, boolean required, int max, int maxLength) {
        return list(parent, at, field, required, max, (n, p) -> textValue(n, p, field + " entries", true, maxLength));
    }

    /** XML documents as strings (translated and schema-checked later). */
    public static List<String> documents(JsonNode parent, String at, String field, int max, String what) {
        return list(parent, at, field, false, max, (n, p) -> {
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, field + " entries must be " + what + " XML documents as strings", p);
            }
            return n.textValue();
        });
    }

    /** Objects, each read by {@code item} with its pointer. */
    public static <T> List<T> objects(JsonNode parent, String at, String field, boolean required, int max, BiFunction<JsonNode, String, T> item) {
        return list(parent, at, field, required, max, (n, p) -> {
            if (!n.isObject()) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, field + " entries must be objects", p);
            }
            return item.apply(n, p);
        });
    }

    private static <T> List<T> list(JsonNode parent, String at, String field, boolean required, int max,
            BiFunction<JsonNode, String, T> item) {
        JsonNode n = present(parent, at, field, required);
        String pointer = at + "/" + field;
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " must be an array", pointer);
        }
        if (required && n.isEmpty()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " needs at least one entry", pointer);
        }
        if (n.size() > max) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, field + " has more than " + max + " entries", pointer);
        }
        List<T> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(item.apply(n.get(i), pointer + "/" + i));
        }
        return List.copyOf(out);
    }
}
