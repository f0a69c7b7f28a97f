package org.cmag.wco;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.Attributes;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.XMLFilterImpl;

/**
 * Reads a WCO DM DEC-DMS declaration (a {@code MetaData} document, or a bare {@code Declaration}) and validates it
 * against the WCO schema set the operator holds ({@code gateway.wco.schema-dir}: the directory with
 * {@code DocumentMetaData_2_DMS.xsd} and {@code WCO_DEC_2_DMS.xsd}, and optionally {@code CANCEL_METADATA.xsd} and
 * {@code CANCEL.xsd} for cancellations). Schemas are compiled once. A reject names line, column, the element path
 * and its WCO pointer.
 */
public final class WcoDecReader {
    public static final String METADATA_NS = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2";

    private final SecureXml xml;
    private final WcoPaths paths;
    private final String rootNs;
    private final String rootName;
    private final Schema declarationSchema;
    private final Schema cancellationSchema;
    private final SAXParserFactory sax;

    /** A reader of DEC-DMS declarations (and cancellations, when CANCEL.xsd is in the directory). */
    public WcoDecReader(Path schemaDir, SecureXml xml, WcoPaths paths) {
        this(schemaDir, xml, paths, WcoMapper.DEC_NS, "Declaration", "WCO_DEC_2_DMS.xsd");
    }

    /** A reader of RES-DMS responses (notifications); {@code schemaDir} holds WCO_RES_2_DMS.xsd. */
    public static WcoDecReader forResponses(Path schemaDir, SecureXml xml, WcoPaths responsePaths) {
        return new WcoDecReader(schemaDir, xml, responsePaths, WcoMapper.RES_NS, "Response", "WCO_RES_2_DMS.xsd");
    }

    private WcoDecReader(Path schemaDir, SecureXml xml, WcoPaths paths, String rootNs, String rootName, String schemaFile) {
        this.xml = xml;
        this.paths = paths;
        this.rootNs = rootNs;
        this.rootName = rootName;
        if (schemaDir == null || !Files.isDirectory(schemaDir)) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "WCO schema directory " + schemaDir
                    + " does not exist; set gateway.wco.schema-dir (or --wco-schemas) to the WCO DMS schema set you hold");
        }
        this.declarationSchema = compile(schemaDir, "DocumentMetaData_2_DMS.xsd", schemaFile);
        this.cancellationSchema = rootName.equals("Declaration") && Files.isRegularFile(schemaDir.resolve("CANCEL.xsd"))
                ? compile(schemaDir, "CANCEL_METADATA.xsd", "CANCEL.xsd") : null;
        try {
            sax = SAXParserFactory.newInstance();
            sax.setNamespaceAware(true);
            sax.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            sax.setFeature("http://xml.org/sax/features/external-general-entities", false);
            sax.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            sax.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            sax.setXIncludeAware(false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot configure the XML parser", null, e);
        }
    }

    private static Schema compile(Path dir, String metadata, String declaration) {
        for (String f : new String[] {metadata, declaration}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "WCO schema directory " + dir + " has no " + f);
            }
        }
        try {
            SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            return sf.newSchema(new Source[] {new StreamSource(dir.resolve(metadata).toFile()), new StreamSource(dir.resolve(declaration).toFile())});
        } catch (SAXException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot compile the WCO schemas in " + dir + ": " + e.getMessage(), null, e);
        }
    }

    /** A declaration read from its input, with what its wrapper carried that is not mapped. */
    public record DecInput(Element declaration, String inputPath, List<Unmapped> unmapped) {}

    public DecInput read(byte[] input) {
        Document doc = xml.parse(input);
        Element root = doc.getDocumentElement();
        List<Unmapped> unmapped = new ArrayList<>();
        Element declaration;
        String inputPath;
        if (METADATA_NS.equals(root.getNamespaceURI()) && "MetaData".equals(root.getLocalName())) {
            declaration = null;
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    if (rootNs.equals(e.getNamespaceURI()) && rootName.equals(e.getLocalName()) && declaration == null) {
                        declaration = e;
                    } else {
                        unmapped.add(new Unmapped("/MetaData/" + e.getLocalName(), "MetaData", "document metadata, not declaration data"));
                    }
                }
            }
            inputPath = "/MetaData/" + rootName;
        } else {
            declaration = root;
            inputPath = "/" + root.getLocalName();
        }
        if (declaration == null || !rootNs.equals(declaration.getNamespaceURI()) || !rootName.equals(declaration.getLocalName())) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "Not a WCO " + rootName + ": expected {" + METADATA_NS
                    + "}MetaData with a {" + rootNs + "}" + rootName + ", found " + root.getNodeName(), "/" + root.getLocalName());
        }
        validate(input, isCancellation(declaration) && cancellationSchema != null ? cancellationSchema : declarationSchema);
        return new DecInput(declaration, inputPath, unmapped);
    }

    /** A cancellation request: function 13 (request) with type INV (invalidation); 13 with COR is an amendment. */
    private static boolean isCancellation(Element declaration) {
        String function = null;
        String type = null;
        for (Node n = declaration.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "FunctionCode".equals(e.getLocalName())) {
                function = e.getTextContent().strip();
            } else if (n instanceof Element e && "TypeCode".equals(e.getLocalName())) {
                type = e.getTextContent().strip();
            }
        }
        return "13".equals(function) && "INV".equals(type);
    }

    private void validate(byte[] input, Schema schema) {
        PathTracker tracker = new PathTracker();
        try {
            XMLReader reader = sax.newSAXParser().getXMLReader();
            ValidatorHandler validator = schema.newValidatorHandler();
            validator.setErrorHandler(tracker);
            tracker.setContentHandler(validator);
            tracker.setParent(reader);
            tracker.setErrorHandler(tracker);
            tracker.parse(new InputSource(new ByteArrayInputStream(input)));
        } catch (SAXParseException e) {
            throw tracker.reject(e);
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "The declaration could not be validated: " + e.getMessage(), tracker.path());
        }
    }

    /** Keeps the element path while parsing, so a schema error can name the element and its WCO pointer. */
    private final class PathTracker extends XMLFilterImpl implements ErrorHandler {
        private final Deque<String> stack = new ArrayDeque<>();
        private Locator locator;

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
            super.setDocumentLocator(locator);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            stack.addLast(localName);
            super.startElement(uri, localName, qName, atts);
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            super.endElement(uri, localName, qName);
            stack.removeLast();
        }

        String path() {
            return "/" + String.join("/", stack);
        }

        @Override
        public void warning(SAXParseException e) {
            // warnings do not reject
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }

        GatewayException reject(SAXParseException e) {
            String path = path();
            String decPath = path.startsWith("/MetaData/") ? path.substring("/MetaData/".length()) : path.substring(1);
            String pointer = paths.find(decPath).map(WcoPaths.Row::pointer).orElse(null);
            String detail = "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage()
                    + (pointer == null ? "" : " [WCO " + pointer + "]");
            return new GatewayException(ErrorCode.SCHEMA_INVALID, "WCO declaration does not conform to the WCO schema at " + detail, path);
        }
    }
}
