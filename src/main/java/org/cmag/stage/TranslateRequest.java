package org.cmag.stage;

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

/** Stage {@code translate}: national request to the exchange message, as a DOM ready for signing. */
public final class TranslateRequest implements Processor {
    private final RequestTranslator translator;
    private final ExchangeCodec codec;
    private final SecureXml xml;

    public TranslateRequest(RequestTranslator translator, ExchangeCodec codec, SecureXml xml) {
        this.translator = translator;
        this.codec = codec;
        this.xml = xml;
    }

    @Override
    public void process(Exchange exchange) {
        NationalRequest request = exchange.getProperty(GatewayHeaders.NATIONAL_REQUEST, NationalRequest.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        ExchangeMessageType message = translator.translate(request, partner);
        exchange.setProperty(GatewayHeaders.DOCUMENT, codec.toDocument(message, xml.newDocument()));
        HeaderType h = message.getHeader();
        var out = exchange.getMessage();
        out.setHeader(GatewayHeaders.MESSAGE_ID, h.getMessageID());
        out.setHeader(GatewayHeaders.CASE_ID, h.getConversationID());
        out.setHeader(GatewayHeaders.MESSAGE_TYPE, h.getMessageType().value());
        out.setHeader(GatewayHeaders.REQUEST_TYPE, request.requestType());
        out.setHeader(GatewayHeaders.LEGAL_BASIS, Headers.legalBasis(request.legalInstrument(), request.legalArticle()));
        out.setHeader(GatewayHeaders.PURPOSE, request.purpose());
    }
}
