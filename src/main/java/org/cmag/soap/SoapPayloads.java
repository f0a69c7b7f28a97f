package org.cmag.soap;

import java.util.ArrayList;
import java.util.List;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.cxf.binding.soap.SoapHeader;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

/**
 * Adapts between the SOAP channel's PAYLOAD mode and the bytes the gateway signs and verifies. The
 * endpoint is PAYLOAD (not POJO) because the received element must be verified as it arrived, before any
 * unmarshalling; SOAP headers from the partner are ignored.
 */
public final class SoapPayloads {
    private final SecureXml xml;

    public SoapPayloads(SecureXml xml) {
        this.xml = xml;
    }

    /** Bytes of our message or receipt → SOAP body payload. */
    public void wrap(Exchange exchange) {
        Document doc = xml.parse(exchange.getMessage().getBody(byte[].class));
        List<Source> body = new ArrayList<>(1);
        body.add(new DOMSource(doc.getDocumentElement()));
        exchange.getMessage().setBody(new CxfPayload<SoapHeader>(new ArrayList<>(), body, null));
    }

    /** SOAP body payload → bytes of its single element. */
    @SuppressWarnings("unchecked")
    public void unwrap(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof CxfPayload<?> payload) || payload.getBodySources().size() != 1) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "The SOAP body must contain exactly one element");
        }
        Node node;
        try {
            // CXF reads the payload lazily: its StAX limits (the endpoint's ceiling) and syntax errors surface here
            node = exchange.getContext().getTypeConverter().convertTo(Node.class, exchange, payload.getBodySources().get(0));
        } catch (RuntimeException e) {
            String reason = innermost(e);
            if (reason.contains("limit") || reason.contains("Exceeded")) {
                throw new GatewayException(ErrorCode.XML_LIMIT_EXCEEDED, "The SOAP body exceeds the SOAP endpoint's XML ceiling "
                        + "(twice gateway.xml.*): " + reason, null, e);
            }
            throw new GatewayException(ErrorCode.XML_MALFORMED, "The SOAP body could not be read: " + reason, null, e);
        }
        if (node == null) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "The SOAP body could not be read");
        }
        exchange.getMessage().setBody(xml.serialize(node));
    }

    /** The most specific message in the cause chain (CXF wraps the StAX reader's message several times). */
    private static String innermost(Throwable e) {
        String found = String.valueOf(e.getMessage());
        int guard = 0;
        for (Throwable t = e; t != null && guard++ < 16; t = t.getCause()) {
            if (t.getMessage() != null) {
                found = t.getMessage();
            }
        }
        int at = found.lastIndexOf("XMLStreamException: ");
        return at >= 0 ? found.substring(at + "XMLStreamException: ".length()) : found;
    }
}
