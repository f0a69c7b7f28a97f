package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.mapping.RequestTranslator;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;
import org.cmag.wco.DeclarationTranslator;
import org.cmag.wco.Unmapped;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Stage {@code translate}: national request to the exchange message, as a DOM ready for signing; attached
 * declarations (national JSON or WCO DEC-DMS) are translated to WCO-aligned Declarations, the whole message
 * validated against the exchange schema, and what was not carried kept for the response and audit.
 */
public final class TranslateRequest implements Processor {
    /** Exchange property: the list of {@link Unmapped} items of the translation. */
    public static final String UNMAPPED = "GwUnmapped";

    private final RequestTranslator translator;
    private final DeclarationTranslator declarations;
    private final ExchangeCodec codec;
    private final SecureXml xml;

    public TranslateRequest(RequestTranslator translator, DeclarationTranslator declarations, ExchangeCodec codec, SecureXml xml) {
        this.translator = translator;
        this.declarations = declarations;
        this.codec = codec;
        this.xml = xml;
    }

    @Override
    public void process(Exchange exchange) {
        NationalRequest request = exchange.getProperty(GatewayHeaders.NATIONAL_REQUEST, NationalRequest.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        ExchangeMessageType message = translator.translate(request, partner);
        Document doc = codec.toDocument(message, xml.newDocument());
        Element assistance = (Element) doc.getElementsByTagNameNS(ExchangeCodec.NS, "AssistanceRequest").item(0);
        List<Unmapped> unmapped = new ArrayList<>();
        for (int i = 0; i < request.declarations().size(); i++) {
            add(doc, assistance, declarations.fromNationalJson(request.declarations().get(i), "/declarations/" + i), unmapped);
        }
        for (int i = 0; i < request.wcoDeclarations().size(); i++) {
            add(doc, assistance, declarations.fromWcoDec(request.wcoDeclarations().get(i).getBytes(StandardCharsets.UTF_8)), unmapped);
        }
        if (!request.declarations().isEmpty() || !request.wcoDeclarations().isEmpty()) {
            codec.validate(doc);
        }
        exchange.setProperty(GatewayHeaders.DOCUMENT, doc);
        exchange.setProperty(UNMAPPED, List.copyOf(unmapped));
        HeaderType h = message.getHeader();
        var out = exchange.getMessage();
        out.setHeader(GatewayHeaders.MESSAGE_ID, h.getMessageID());
        out.setHeader(GatewayHeaders.CASE_ID, h.getConversationID());
        out.setHeader(GatewayHeaders.MESSAGE_TYPE, h.getMessageType().value());
        out.setHeader(GatewayHeaders.REQUEST_TYPE, request.requestType());
        out.setHeader(GatewayHeaders.LEGAL_BASIS, Headers.legalBasis(request.legalInstrument(), request.legalArticle()));
        out.setHeader(GatewayHeaders.PURPOSE, request.headerPurpose());
    }

    private static void add(Document doc, Element assistance, DeclarationTranslator.Translation t, List<Unmapped> unmapped) {
        assistance.appendChild(doc.importNode(t.declaration(), true));
        unmapped.addAll(t.unmapped());
    }
}
