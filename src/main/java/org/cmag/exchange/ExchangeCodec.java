package org.cmag.exchange;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.ObjectFactory;
import org.cmag.exchange.v1.ReceiptType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXParseException;

/**
 * JAXB binding of the exchange schema: one context and one compiled schema, built once; a fresh
 * (cheap) marshaller/unmarshaller per call. Unmarshalling always validates against the schema and reads
 * only the DOM element it is given: callers pass the element the signature verified.
 */
public final class ExchangeCodec {
    public static final String NS = "urn:cmag:exchange:1";

    private final JAXBContext context;
    private final Schema schema;
    private final ObjectFactory factory = new ObjectFactory();
    /** Marshallers and unmarshallers are not thread-safe but reusable: one of each per thread, schema set once. */
    private final ThreadLocal<Marshaller> marshallers;
    private final ThreadLocal<Unmarshaller> unmarshallers;
    private final ThreadLocal<javax.xml.validation.Validator> validators;

    public ExchangeCodec() {
        try {
            this.context = JAXBContext.newInstance(ExchangeMessageType.class.getPackageName(), ExchangeCodec.class.getClassLoader());
            SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            // our own packaged schema includes its WCO part; nothing else is resolved
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file,jar:file");
            URL xsd = ExchangeCodec.class.getClassLoader().getResource("schemas/xsd/cmag-exchange-1.xsd");
            if (xsd == null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "schemas/xsd/cmag-exchange-1.xsd is not on the classpath");
            }
            this.schema = sf.newSchema(xsd);
            this.marshallers = ThreadLocal.withInitial(this::newMarshaller);
            this.unmarshallers = ThreadLocal.withInitial(this::newUnmarshaller);
            this.validators = ThreadLocal.withInitial(schema::newValidator);
        } catch (JAXBException | org.xml.sax.SAXException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot initialise the exchange schema binding: " + e.getMessage(), null, e);
        }
    }

    /** Marshals a message into a new DOM document (validated: we never send what we would not accept). */
    public Document toDocument(ExchangeMessageType message, Document target) {
        marshal(factory.createExchangeMessage(message), target);
        return target;
    }

    public Document toDocument(ReceiptType receipt, Document target) {
        marshal(factory.createReceipt(receipt), target);
        return target;
    }

    private void marshal(JAXBElement<?> element, Document target) {
        try {
            Marshaller m = marshallers.get();
            // straight into the DOM node: marshalling to a javax.xml.transform Result makes JAXB look up a
            // TransformerFactory (a class-path scan) on every call
            m.marshal(element, target);
        } catch (JAXBException e) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "Outgoing message does not conform to the exchange schema: " + reason(e));
        }
    }

    private Marshaller newMarshaller() {
        try {
            Marshaller m = context.createMarshaller();
            m.setSchema(schema);
            return m;
        } catch (JAXBException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot create a marshaller: " + e.getMessage(), null, e);
        }
    }

    private Unmarshaller newUnmarshaller() {
        try {
            Unmarshaller u = context.createUnmarshaller();
            u.setSchema(schema);
            // JAXB's default handler ignores a value an adapter cannot convert (e.g. an xs:dateTime without
            // offset) and leaves the field null; such a message must be rejected like any schema error.
            u.setEventHandler(event -> event.getSeverity() == ValidationEvent.WARNING);
            return u;
        } catch (JAXBException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot create an unmarshaller: " + e.getMessage(), null, e);
        }
    }

    /** Validates a DOM node (a whole message, or a translated Declaration) against the exchange schema. */
    public void validate(org.w3c.dom.Node node) {
        try {
            validators.get().validate(new javax.xml.transform.dom.DOMSource(node));
        } catch (org.xml.sax.SAXException e) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "Does not conform to the exchange schema: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "Validation failed", null, e);
        }
    }

    public ExchangeMessageType readMessage(Element verified) {
        return read(verified, ExchangeMessageType.class, "ExchangeMessage");
    }

    public ReceiptType readReceipt(Element verified) {
        return read(verified, ReceiptType.class, "Receipt");
    }

    private <T> T read(Element element, Class<T> type, String localName) {
        if (!NS.equals(element.getNamespaceURI()) || !localName.equals(element.getLocalName())) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "Expected element {" + NS + "}" + localName + " but found {"
                    + element.getNamespaceURI() + "}" + element.getLocalName(), "/" + element.getNodeName());
        }
        // The enveloped ds:Signature has been verified already and binds to a DOM wildcard, for which JAXB
        // would build a TransformerFactory (a class-path scan) per message: leave it out of unmarshalling.
        Element signature = trailingSignature(element);
        if (signature != null) {
            element.removeChild(signature);
        }
        try {
            Unmarshaller u = unmarshallers.get();
            return u.unmarshal(element, type).getValue();
        } catch (JAXBException e) {
            throw new GatewayException(ErrorCode.SCHEMA_INVALID, "Message does not conform to the exchange schema: " + reason(e));
        } finally {
            if (signature != null) {
                element.appendChild(signature);
            }
        }
    }

    private static Element trailingSignature(Element element) {
        org.w3c.dom.Node last = element.getLastChild();
        while (last != null && !(last instanceof Element)) {
            last = last.getPreviousSibling();
        }
        return last instanceof Element e && "http://www.w3.org/2000/09/xmldsig#".equals(e.getNamespaceURI())
                && "Signature".equals(e.getLocalName()) ? e : null;
    }

    private static String reason(JAXBException e) {
        Throwable t = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        if (t instanceof SAXParseException spe) {
            return spe.getMessage();
        }
        if (e instanceof UnmarshalException && t != null) {
            return t.getMessage();
        }
        return t != null ? t.getMessage() : e.getMessage();
    }
}
