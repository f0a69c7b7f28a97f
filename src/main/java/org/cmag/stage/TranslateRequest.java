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
import org.cmag.flow.OutboundMessage;
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
        OutboundMessage m = Flight.outbound(exchange);
        NationalRequest request = m.request();
        Partner partner = m.partner();
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
        HeaderType h = message.getHeader();
        m.document(doc).unmapped(unmapped).identify(h.getMessageID(), h.getConversationID(), h.getMessageType().value(), request.requestType(),
                Headers.legalBasis(request.legalInstrument(), request.legalArticle()), request.headerPurpose());
    }

    private static void add(Document doc, Element assistance, DeclarationTranslator.Translation t, List<Unmapped> unmapped) {
        assistance.appendChild(doc.importNode(t.declaration(), true));
        unmapped.addAll(t.unmapped());
    }
}
