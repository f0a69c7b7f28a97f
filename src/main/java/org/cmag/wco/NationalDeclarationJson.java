package org.cmag.wco;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The national JSON format for declaration data ({@code schemas/national/declaration.schema.json}): the WCO DEC
 * tree with lowerCamelCase keys, arrays for repeatable elements, a value as a string or
 * {@code {"value": ..., "currencyID": ...}}, a date-time as {@code {"dateTimeString": ..., "formatCode": ...}}.
 * Converted to and from the WCO DEC form, so both inputs go through the one mapper and give the same payload.
 */
public final class NationalDeclarationJson {
    private final WcoPaths paths;

    public NationalDeclarationJson(WcoPaths paths) {
        this.paths = paths;
    }

    /** JSON declaration → WCO DEC {@code Declaration} element in {@code doc}; rejects name the JSON pointer. */
    public Element toDec(JsonNode json, Document doc, String pointer) {
        if (json == null || !json.isObject()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "A declaration must be a JSON object", pointer);
        }
        Element declaration = doc.createElementNS(WcoMapper.DEC_NS, "Declaration");
        fill(json, declaration, "Declaration", pointer);
        return declaration;
    }

    private void fill(JsonNode object, Element parent, String path, String pointer) {
        Map<String, WcoPaths.Row> byKey = new LinkedHashMap<>();
        for (WcoPaths.Row r : paths.children(path)) {
            if (r.carried()) {
                byKey.put(r.jsonKey(), r);
            }
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!byKey.containsKey(key)) {
                throw new GatewayException(ErrorCode.UNKNOWN_FIELD, "Field '" + key + "' is not a WCO element of " + path
                        + " that the gateway carries", pointer + "/" + key);
            }
        }
        // schema order, so the DEC form is valid whatever the JSON key order
        for (WcoPaths.Row row : byKey.values()) {
            JsonNode value = object.get(row.jsonKey());
            if (value == null || value.isNull()) {
                continue;
            }
            String at = pointer + "/" + row.jsonKey();
            if (row.repeatable()) {
                if (!value.isArray()) {
                    throw new GatewayException(ErrorCode.INVALID_FIELD, row.jsonKey() + " repeats and must be an array", at);
                }
                for (int i = 0; i < value.size(); i++) {
                    parent.appendChild(element(value.get(i), row, parent.getOwnerDocument(), at + "/" + i));
                }
            } else {
                if (value.isArray()) {
                    throw new GatewayException(ErrorCode.INVALID_FIELD, row.jsonKey() + " occurs once and must not be an array", at);
                }
                parent.appendChild(element(value, row, parent.getOwnerDocument(), at));
            }
        }
    }

    private Element element(JsonNode value, WcoPaths.Row row, Document doc, String pointer) {
        Element e = doc.createElementNS(WcoMapper.DEC_NS, row.element());
        if (row.isClass()) {
            if (!value.isObject()) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, row.jsonKey() + " must be an object", pointer);
            }
            fill(value, e, row.path(), pointer);
        } else if (row.isDateTime()) {
            if (!value.isObject() || !value.path("dateTimeString").isTextual() || !value.path("formatCode").isTextual()) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, row.jsonKey()
                        + " must be {\"dateTimeString\": \"...\", \"formatCode\": \"...\"}", pointer);
            }
            onlyKeys(value, pointer, java.util.Set.of("dateTimeString", "formatCode"));
            Element dts = doc.createElementNS(WcoMapper.DEC_NS, "DateTimeString");
            dts.setAttributeNS(null, "formatCode", value.get("formatCode").textValue());
            dts.setTextContent(value.get("dateTimeString").textValue());
            e.appendChild(dts);
        } else if (value.isTextual()) {
            e.setTextContent(value.textValue());
        } else if (value.isObject() && value.path("value").isTextual()) {
            java.util.Set<String> allowed = new java.util.HashSet<>(WcoMapper.VALUE_ATTRIBUTES);
            allowed.add("value");
            onlyKeys(value, pointer, allowed);
            e.setTextContent(value.get("value").textValue());
            for (String a : WcoMapper.VALUE_ATTRIBUTES) {
                if (value.has(a)) {
                    if (!value.get(a).isTextual()) {
                        throw new GatewayException(ErrorCode.INVALID_FIELD, a + " must be a string", pointer + "/" + a);
                    }
                    e.setAttributeNS(null, a, value.get(a).textValue());
                }
            }
        } else {
            throw new GatewayException(ErrorCode.INVALID_FIELD, row.jsonKey() + " must be a string or {\"value\": \"...\", ...}"
                    + " (numbers are written as strings, exactly as declared)", pointer);
        }
        return e;
    }

    private static void onlyKeys(JsonNode value, String pointer, java.util.Set<String> allowed) {
        for (Iterator<String> it = value.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new GatewayException(ErrorCode.UNKNOWN_FIELD, "Field '" + k + "' is not allowed here", pointer + "/" + k);
            }
        }
    }

    /** WCO DEC {@code Declaration} → JSON, for national systems that want to see their data in this format. */
    public ObjectNode fromDec(Element declaration) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        write(declaration, out, "Declaration");
        return out;
    }

    private void write(Element in, ObjectNode out, String path) {
        for (Node n = in.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element child)) {
                continue;
            }
            WcoPaths.Row row = paths.find(path + "/" + child.getLocalName()).orElse(null);
            if (row == null || !row.carried()) {
                continue; // the mapper reports what is not carried
            }
            JsonNode value;
            if (row.isClass()) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                write(child, o, row.path());
                value = o;
            } else if (row.isDateTime()) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                Element dts = firstChild(child);
                o.put("dateTimeString", dts == null ? child.getTextContent() : dts.getTextContent());
                o.put("formatCode", dts == null ? "" : dts.getAttribute("formatCode"));
                value = o;
            } else {
                NamedNodeMap attrs = child.getAttributes();
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                for (int i = 0; i < attrs.getLength(); i++) {
                    Attr a = (Attr) attrs.item(i);
                    String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
                    if (a.getNamespaceURI() == null && WcoMapper.VALUE_ATTRIBUTES.contains(name)) {
                        o.put(name, a.getValue());
                    }
                }
                if (o.isEmpty()) {
                    value = JsonNodeFactory.instance.textNode(child.getTextContent());
                } else {
                    o.put("value", child.getTextContent());
                    value = o;
                }
            }
            if (row.repeatable()) {
                JsonNode existing = out.get(row.jsonKey());
                ArrayNode array = existing instanceof ArrayNode a ? a : out.putArray(row.jsonKey());
                array.add(value);
            } else {
                out.set(row.jsonKey(), value);
            }
        }
    }

    private static Element firstChild(Element e) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                return c;
            }
        }
        return null;
    }
}
