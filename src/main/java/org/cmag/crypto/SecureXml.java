package org.cmag.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
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
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Hardened DOM parsing and serialization. Build once and share: all methods are thread-safe.
 *
 * <p>Parsing is namespace-aware and refuses any DOCTYPE (hence any entity declaration, external entity or
 * external DTD), does not process XInclude and does not expand entity references. The JDK's built-in
 * parser and transformer are used on purpose ({@code newDefaultInstance}) so that the hardening features
 * below are the ones actually in effect, whatever else is on the classpath.
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

    private final DocumentBuilderFactory documentBuilderFactory;
    private final ThreadLocal<DocumentBuilder> documentBuilders;
    private final TransformerFactory transformerFactory;

    public SecureXml() {
        this.documentBuilderFactory = hardenedDocumentBuilderFactory();
        this.documentBuilders = ThreadLocal.withInitial(this::newDocumentBuilder);
        this.transformerFactory = hardenedTransformerFactory();
    }

    /** Parses a complete XML document. */
    public Document parse(byte[] xml) {
        if (xml == null) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "No XML content (null)");
        }
        return parse(new ByteArrayInputStream(xml));
    }

    /** Parses a complete XML document from {@code in}; the stream is read to its end but not closed. */
    public Document parse(InputStream in) {
        if (in == null) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "No XML content (null stream)");
        }
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

    private static DocumentBuilderFactory hardenedDocumentBuilderFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setCoalescing(false);
        f.setIgnoringComments(false);
        f.setIgnoringElementContentWhitespace(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature(FEATURE_DISALLOW_DOCTYPE, true);
            f.setFeature(FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
            f.setFeature(FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
            f.setFeature(FEATURE_LOAD_EXTERNAL_DTD, false);
        } catch (ParserConfigurationException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "XML parser does not support hardening: " + e.getMessage(), null, e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
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
