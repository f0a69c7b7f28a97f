package org.cmag.wco;

import java.util.List;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Maps a WCO DM DEC-DMS Declaration (42A) or RES-DMS Response (07B) onto the exchange message's element of the same
 * name, value-preserving: every element and attribute is either carried to the element of the same WCO name and
 * place, or reported as {@link Unmapped} with its WCO pointer. Codes stay codes; nothing is translated to text.
 * Pure DOM work, no Camel types.
 */
public final class WcoMapper {
    public static final String DEC_NS = "urn:wco:datamodel:WCO:DEC-DMS:2";
    public static final String RES_NS = "urn:wco:datamodel:WCO:RES-DMS:2";
    static final Set<String> VALUE_ATTRIBUTES = Set.of("currencyID", "unitCode", "languageID", "listID", "listAgencyID", "schemeID");

    private final WcoPaths paths;
    private final String sourceNs;
    private final String root;
    private final WcoMapper fullDeclaration;

    /** The mapper for DEC declarations. */
    public WcoMapper(WcoPaths paths) {
        this(paths, DEC_NS, "Declaration", null);
    }

    private WcoMapper(WcoPaths paths, String sourceNs, String root, WcoMapper fullDeclaration) {
        this.paths = paths;
        this.sourceNs = sourceNs;
        this.root = root;
        this.fullDeclaration = fullDeclaration;
    }

    /** The mapper for RES responses; a full DEC Declaration inside a response is mapped by {@code declarations}. */
    public static WcoMapper forResponses(WcoPaths responsePaths, WcoMapper declarations) {
        return new WcoMapper(responsePaths, RES_NS, "Response", declarations);
    }

    /**
     * Maps {@code declaration} (a DEC {@code Declaration} element) into a new exchange {@code Declaration} element
     * owned by {@code target}; unmapped input goes to {@code unmapped}.
     *
     * @param inputPath the declaration's position in its input document, for the report
     */
    public Element map(Element declaration, Document target, String inputPath, List<Unmapped> unmapped) {
        if (!root.equals(declaration.getLocalName()) || !sourceNs.equals(declaration.getNamespaceURI())) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "Expected a WCO " + root + " element, found " + declaration.getLocalName(),
                    inputPath);
        }
        return map(declaration, target, root, inputPath, unmapped);
    }

    private Element map(Element in, Document target, String outName, String inputPath, List<Unmapped> unmapped) {
        Element out = target.createElementNS(ExchangeCodec.NS, outName);
        mapChildren(in, out, root, inputPath, unmapped);
        return out;
    }

    private void mapChildren(Element in, Element out, String path, String inputPath, List<Unmapped> unmapped) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (Node n = in.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element child)) {
                continue;
            }
            String name = child.getLocalName();
            int index = seen.merge(name, 1, Integer::sum);
            String childPath = path + "/" + name;
            String childInput = inputPath + "/" + name + (index > 1 || hasLaterSibling(child, name) ? "[" + index + "]" : "");
            if (fullDeclaration != null && DEC_NS.equals(child.getNamespaceURI()) && "Declaration".equals(name)) {
                // the full DEC Declaration of a response: mapped by the declaration mapper, as FullDeclaration
                Element full = fullDeclaration.map(child, out.getOwnerDocument(), "FullDeclaration", childInput, unmapped);
                out.appendChild(full);
                continue;
            }
            WcoPaths.Row row = paths.find(childPath).orElse(null);
            if (row == null || !sourceNs.equals(child.getNamespaceURI())) {
                reportAll(child, childPath, childInput, row == null ? "not a WCO " + root + " element" : "outside the " + root + " namespace",
                        unmapped);
                continue;
            }
            if (!row.carried()) {
                reportAll(child, childPath, childInput, "not carried (" + row.name() + ")", unmapped);
                continue;
            }
            Element copy = out.getOwnerDocument().createElementNS(ExchangeCodec.NS, name);
            out.appendChild(copy);
            if (row.isClass()) {
                reportAttributes(child, row, childInput, Set.of(), unmapped);
                mapChildren(child, copy, childPath, childInput, unmapped);
            } else if (row.isDateTime()) {
                mapDateTime(child, copy, row, childInput, unmapped);
            } else {
                copy.setTextContent(child.getTextContent());
                copyAttributes(child, copy, row, childInput, unmapped);
                if (!row.codes().isEmpty() && row.element().endsWith("Code")) {
                    copy.setAttributeNS(null, "listName", row.codes().length() > 100 ? row.codes().substring(0, 100) : row.codes());
                }
            }
        }
    }

    private static boolean hasLaterSibling(Element e, String name) {
        for (Node n = e.getNextSibling(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element s && name.equals(s.getLocalName())) {
                return true;
            }
        }
        return false;
    }

    private void mapDateTime(Element in, Element out, WcoPaths.Row row, String inputPath, List<Unmapped> unmapped) {
        reportAttributes(in, row, inputPath, Set.of(), unmapped);
        for (Node n = in.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element s) {
                if ("DateTimeString".equals(s.getLocalName())) {
                    Element dts = out.getOwnerDocument().createElementNS(ExchangeCodec.NS, "DateTimeString");
                    dts.setTextContent(s.getTextContent());
                    if (s.hasAttribute("formatCode")) {
                        dts.setAttributeNS(null, "formatCode", s.getAttribute("formatCode"));
                    }
                    out.appendChild(dts);
                    reportAttributes(s, row, inputPath + "/DateTimeString", Set.of("formatCode"), unmapped);
                } else {
                    unmapped.add(new Unmapped(inputPath + "/" + s.getLocalName(), row.pointer(), "not a date-time part"));
                }
            }
        }
    }

    private void copyAttributes(Element in, Element out, WcoPaths.Row row, String inputPath, List<Unmapped> unmapped) {
        NamedNodeMap attrs = in.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (isNamespaceDeclaration(a)) {
                continue;
            }
            String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
            if (a.getNamespaceURI() == null && VALUE_ATTRIBUTES.contains(name)) {
                out.setAttributeNS(null, name, a.getValue());
            } else {
                unmapped.add(new Unmapped(inputPath + "/@" + a.getName(), row.pointer(), "attribute not carried"));
            }
        }
    }

    private static void reportAttributes(Element in, WcoPaths.Row row, String inputPath, Set<String> allowed, List<Unmapped> unmapped) {
        NamedNodeMap attrs = in.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
            if (!isNamespaceDeclaration(a) && !allowed.contains(name) && !isSchemaInstance(a)) {
                unmapped.add(new Unmapped(inputPath + "/@" + a.getName(), row.pointer(), "attribute not carried"));
            }
        }
    }

    private static boolean isNamespaceDeclaration(Attr a) {
        return "http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI());
    }

    private static boolean isSchemaInstance(Attr a) {
        return "http://www.w3.org/2001/XMLSchema-instance".equals(a.getNamespaceURI());
    }

    /** Reports every element and attribute of a subtree that is not carried. */
    private void reportAll(Element e, String path, String inputPath, String reason, List<Unmapped> unmapped) {
        String pointer = paths.find(path).map(WcoPaths.Row::pointer).orElse("?");
        boolean hasChildElements = false;
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                hasChildElements = true;
                int index = seen.merge(c.getLocalName(), 1, Integer::sum);
                reportAll(c, path + "/" + c.getLocalName(), inputPath + "/" + c.getLocalName()
                        + (index > 1 || hasLaterSibling(c, c.getLocalName()) ? "[" + index + "]" : ""), reason, unmapped);
            }
        }
        if (!hasChildElements) {
            unmapped.add(new Unmapped(inputPath, pointer, reason));
        }
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (!isNamespaceDeclaration(a) && !isSchemaInstance(a)) {
                unmapped.add(new Unmapped(inputPath + "/@" + a.getName(), pointer, reason));
            }
        }
    }
}
