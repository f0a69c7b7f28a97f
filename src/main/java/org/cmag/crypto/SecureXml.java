package org.cmag.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.Attributes;
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Hardened DOM parsing and serialization. Build once and share: all methods are thread-safe.
 *
 * <p>Parsing is namespace-aware and refuses any DOCTYPE (hence any entity declaration, external entity or
 * external DTD), does not process XInclude and does not expand entity references. The JDK's built-in
 * parser and transformer are used on purpose ({@code newDefaultInstance}) so that the hardening features
 * below are the ones actually in effect, whatever else is on the classpath.
 *
 * <p>Every document first goes through a streaming pass that enforces the {@link XmlLimits} (nesting depth,
 * element count, attributes per element, name and text length) and refuses XInclude elements, so that no DOM
 * is ever built for a hostile document; the JDK's own parser limits ({@code jdk.xml.maxElementDepth},
 * {@code elementAttributeLimit}, {@code maxXMLNameLimit}) are set to the same values as a second line.
 * A violated limit is {@code xml_limit_exceeded} naming the limit's configuration key and the location.
 */
public final class SecureXml {

    private static final String FEATURE_DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    private static final String FEATURE_EXTERNAL_GENERAL_ENTITIES = "http://xml.org/sax/features/external-general-entities";
    private static final String FEATURE_EXTERNAL_PARAMETER_ENTITIES = "http://xml.org/sax/features/external-parameter-entities";
    private static final String FEATURE_LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";

    /** Fails the parse on the first problem, instead of printing "[Fatal Error]" to stderr. */
    private static final ErrorHandler STRICT_ERRORS = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings are not failures
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    /** Belt and braces: with DOCTYPEs refused nothing should ever be resolved. */
    private static final EntityResolver NO_ENTITIES = (publicId, systemId) -> {
        throw new SAXException("external entity resolution is forbidden (" + systemId + ")");
    };

    private static final String XINCLUDE_NS = "http://www.w3.org/2001/XInclude";
    private static final String JDK_MAX_DEPTH = "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";
    private static final String JDK_ATTRIBUTE_LIMIT = "http://www.oracle.com/xml/jaxp/properties/elementAttributeLimit";
    private static final String JDK_NAME_LIMIT = "http://www.oracle.com/xml/jaxp/properties/maxXMLNameLimit";

    private final XmlLimits limits;
    private final DocumentBuilderFactory documentBuilderFactory;
    private final ThreadLocal<DocumentBuilder> documentBuilders;
    private final SAXParserFactory saxParserFactory;
    private final ThreadLocal<SAXParser> saxParsers;
    private final TransformerFactory transformerFactory;

    /** A parser with the default limits ({@link XmlLimits#DEFAULTS}). */
    public SecureXml() {
        this(XmlLimits.DEFAULTS);
    }

    public SecureXml(XmlLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.documentBuilderFactory = hardenedDocumentBuilderFactory(limits);
        this.documentBuilders = ThreadLocal.withInitial(this::newDocumentBuilder);
        this.saxParserFactory = hardenedSaxParserFactory();
        this.saxParsers = ThreadLocal.withInitial(this::newSaxParser);
        this.transformerFactory = hardenedTransformerFactory();
    }

    /** The limits this parser enforces. */
    public XmlLimits limits() {
        return limits;
    }

    /** Parses a complete XML document. */
    public Document parse(byte[] xml) {
        if (xml == null) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "No XML content (null)");
        }
        checkLimits(xml);
        return parseDom(new ByteArrayInputStream(xml));
    }

    /** Parses a complete XML document from {@code in}; the stream is read to its end but not closed. */
    public Document parse(InputStream in) {
        if (in == null) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "No XML content (null stream)");
        }
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "XML could not be read: " + e.getMessage(), null, e);
        }
        return parse(bytes);
    }

    /**
     * The streaming limits pass: refuses a DOCTYPE, XInclude, or any limit exceeded, without building a DOM.
     * Not well-formed input is left to the DOM parse to report (same parser, same messages).
     */
    private void checkLimits(byte[] xml) {
        SAXParser parser = saxParsers.get();
        LimitsHandler handler = new LimitsHandler(limits);
        try {
            parser.parse(new InputSource(new ByteArrayInputStream(xml)), handler);
        } catch (LimitViolation v) {
            throw v.violation;
        } catch (SAXParseException e) {
            throw translate(e);
        } catch (SAXException e) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "XML is not well-formed: " + e.getMessage(), null, e);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "XML could not be read: " + e.getMessage(), null, e);
        } finally {
            parser.reset();
        }
    }

    private Document parseDom(InputStream in) {
        DocumentBuilder builder = documentBuilders.get();
        try {
            builder.setErrorHandler(STRICT_ERRORS);
            builder.setEntityResolver(NO_ENTITIES);
            return builder.parse(new InputSource(in));
        } catch (SAXParseException e) {
            throw translate(e);
        } catch (SAXException e) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "XML is not well-formed: " + e.getMessage(), null, e);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "XML could not be read: " + e.getMessage(), null, e);
        } finally {
            builder.reset();
        }
    }

    /** A new, empty, namespace-aware document. */
    public Document newDocument() {
        return documentBuilders.get().newDocument();
    }

    /**
     * Serializes {@code node} as UTF-8 without indentation or any other change to the content, so that a
     * signed document still verifies after being parsed again. A {@link Document} gets an XML declaration,
     * any other node does not.
     */
    public byte[] serialize(Node node) {
        Objects.requireNonNull(node, "node");
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            Transformer transformer = newTransformer();
            transformer.setOutputProperty(OutputKeys.METHOD, "xml");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty(OutputKeys.INDENT, "no");
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION,
                    node.getNodeType() == Node.DOCUMENT_NODE ? "no" : "yes");
            transformer.transform(new DOMSource(node), new StreamResult(out));
        } catch (TransformerException e) {
            throw new GatewayException(ErrorCode.INTERNAL,
                    "Could not serialize XML node " + node.getNodeName() + ": " + e.getMessage(), null, e);
        }
        return out.toByteArray();
    }

    private static GatewayException translate(SAXParseException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("JAXP0001")) {
            // a JDK processing limit (second line behind LimitsHandler); its message names the jdk.xml property
            return new GatewayException(ErrorCode.XML_LIMIT_EXCEEDED, "XML exceeds a parser limit" + position(e) + ": " + message, null, e);
        }
        // The JDK message names the feature URI in every locale, so this test is locale-independent.
        if (message.contains(FEATURE_DISALLOW_DOCTYPE) || message.contains("DOCTYPE")) {
            return new GatewayException(ErrorCode.XML_FORBIDDEN_CONSTRUCT,
                    "XML contains a DOCTYPE declaration" + position(e)
                            + "; DTDs and entity declarations are not accepted", null, e);
        }
        return new GatewayException(ErrorCode.XML_MALFORMED,
                "XML is not well-formed" + position(e) + ": " + message, null, e);
    }

    private static String position(SAXParseException e) {
        if (e.getLineNumber() > 0 && e.getColumnNumber() > 0) {
            return " at line " + e.getLineNumber() + ", column " + e.getColumnNumber();
        }
        if (e.getLineNumber() > 0) {
            return " at line " + e.getLineNumber();
        }
        return "";
    }

    private DocumentBuilder newDocumentBuilder() {
        // DocumentBuilderFactory is not specified as thread-safe; this runs once per thread.
        synchronized (documentBuilderFactory) {
            try {
                DocumentBuilder builder = documentBuilderFactory.newDocumentBuilder();
                builder.setErrorHandler(STRICT_ERRORS);
                builder.setEntityResolver(NO_ENTITIES);
                return builder;
            } catch (ParserConfigurationException e) {
                throw new GatewayException(ErrorCode.INTERNAL, "Cannot create XML parser: " + e.getMessage(), null, e);
            }
        }
    }

    private SAXParser newSaxParser() {
        synchronized (saxParserFactory) {
            try {
                SAXParser parser = saxParserFactory.newSAXParser();
                parser.getXMLReader().setEntityResolver(NO_ENTITIES);
                return parser;
            } catch (ParserConfigurationException | SAXException e) {
                throw new GatewayException(ErrorCode.INTERNAL, "Cannot create XML parser: " + e.getMessage(), null, e);
            }
        }
    }

    /** Carries a limit violation out of the SAX callbacks. */
    private static final class LimitViolation extends SAXException {
        private static final long serialVersionUID = 1L;
        private final transient GatewayException violation;

        LimitViolation(GatewayException violation) {
            super(violation.detail());
            this.violation = violation;
        }
    }

    /** Counts while streaming; one per parse. */
    private static final class LimitsHandler extends DefaultHandler {
        private final XmlLimits limits;
        private final List<String> path = new ArrayList<>();
        private Locator locator;
        private int elements;
        private long text;

        LimitsHandler(XmlLimits limits) {
            this.limits = limits;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
            text = 0;
            path.add(qName);
            if (XINCLUDE_NS.equals(uri)) {
                throw new LimitViolation(new GatewayException(ErrorCode.XML_FORBIDDEN_CONSTRUCT, "XML contains an XInclude element <"
                        + qName + ">" + where() + "; XInclude is not accepted", pointer()));
            }
            if (qName.length() > limits.maxNameLength()) {
                throw exceeded(XmlLimits.NAME_LENGTH, limits.maxNameLength(), "an element name of " + qName.length() + " characters");
            }
            if (path.size() > limits.maxDepth()) {
                throw exceeded(XmlLimits.DEPTH, limits.maxDepth(), "element nesting depth " + path.size());
            }
            if (++elements > limits.maxElements()) {
                throw exceeded(XmlLimits.ELEMENTS, limits.maxElements(), "more than " + limits.maxElements() + " elements");
            }
            // xmlns declarations included (namespace-prefixes), as in the DOM
            if (attributes.getLength() > limits.maxAttributes()) {
                throw exceeded(XmlLimits.ATTRIBUTES, limits.maxAttributes(), attributes.getLength() + " attributes on one element");
            }
            for (int i = 0; i < attributes.getLength(); i++) {
                String name = attributes.getQName(i);
                if (name.length() > limits.maxNameLength()) {
                    throw exceeded(XmlLimits.NAME_LENGTH, limits.maxNameLength(), "an attribute name of " + name.length() + " characters");
                }
                if (attributes.getValue(i).length() > limits.maxTextLength()) {
                    throw exceeded(XmlLimits.TEXT_LENGTH, limits.maxTextLength(), "attribute " + name + " with "
                            + attributes.getValue(i).length() + " characters");
                }
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            text = 0;
            path.remove(path.size() - 1);
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            text += length;
            if (text > limits.maxTextLength()) {
                throw exceeded(XmlLimits.TEXT_LENGTH, limits.maxTextLength(), "a text node of more than "
                        + limits.maxTextLength() + " characters");
            }
        }

        @Override
        public void processingInstruction(String target, String data) {
            text = 0;
        }

        private LimitViolation exceeded(String key, int limit, String found) {
            return new LimitViolation(new GatewayException(ErrorCode.XML_LIMIT_EXCEEDED, "XML limit " + key + " (" + limit
                    + ") exceeded: " + found + where(), pointer()));
        }

        private String where() {
            return locator == null ? "" : " at line " + locator.getLineNumber() + ", column " + locator.getColumnNumber();
        }

        /** The element path, shortened to its last eight steps for very deep documents. */
        private String pointer() {
            int from = Math.max(0, path.size() - 8);
            StringBuilder sb = new StringBuilder(from > 0 ? "/..." : "");
            for (int i = from; i < path.size(); i++) {
                sb.append('/').append(path.get(i));
            }
            return sb.toString();
        }
    }

    private Transformer newTransformer() {
        // TransformerFactory is not specified as thread-safe; creating an identity transformer is cheap.
        synchronized (transformerFactory) {
            try {
                return transformerFactory.newTransformer();
            } catch (TransformerConfigurationException e) {
                throw new GatewayException(ErrorCode.INTERNAL, "Cannot create XML serializer: " + e.getMessage(), null, e);
            }
        }
    }

    /** The parser features both the limit-counting SAX pass and the DOM builder are hardened with. */
    private static final java.util.Map<String, Boolean> HARDENING = java.util.Map.of(
            XMLConstants.FEATURE_SECURE_PROCESSING, true,
            FEATURE_DISALLOW_DOCTYPE, true,
            FEATURE_EXTERNAL_GENERAL_ENTITIES, false,
            FEATURE_EXTERNAL_PARAMETER_ENTITIES, false,
            FEATURE_LOAD_EXTERNAL_DTD, false);

    private static SAXParserFactory hardenedSaxParserFactory() {
        SAXParserFactory f = SAXParserFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        try {
            for (var feature : HARDENING.entrySet()) {
                f.setFeature(feature.getKey(), feature.getValue());
            }
            // report xmlns declarations as attributes, as the DOM has them
            f.setFeature("http://xml.org/sax/features/namespace-prefixes", true);
        } catch (ParserConfigurationException | SAXException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "XML parser does not support hardening: " + e.getMessage(), null, e);
        }
        return f;
    }

    private static DocumentBuilderFactory hardenedDocumentBuilderFactory(XmlLimits limits) {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setCoalescing(false);
        f.setIgnoringComments(false);
        f.setIgnoringElementContentWhitespace(false);
        try {
            for (var feature : HARDENING.entrySet()) {
                f.setFeature(feature.getKey(), feature.getValue());
            }
        } catch (ParserConfigurationException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "XML parser does not support hardening: " + e.getMessage(), null, e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setAttribute(JDK_MAX_DEPTH, String.valueOf(limits.maxDepth()));
        f.setAttribute(JDK_ATTRIBUTE_LIMIT, String.valueOf(limits.maxAttributes()));
        f.setAttribute(JDK_NAME_LIMIT, String.valueOf(limits.maxNameLength()));
        return f;
    }

    private static TransformerFactory hardenedTransformerFactory() {
        TransformerFactory f = TransformerFactory.newDefaultInstance();
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (TransformerConfigurationException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "XML serializer does not support hardening: " + e.getMessage(), null, e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        return f;
    }
}
