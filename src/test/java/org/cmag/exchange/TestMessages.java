package org.cmag.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.mapping.RequestTranslator;
import org.cmag.national.NationalRequest;
import org.cmag.national.NationalRequestParser;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Shared test material for the exchange message: the documented national example, translated by NL for the
 * packaged DE agreement at a fixed instant. The instant is late in the evening UTC, so in Amsterdam it is
 * already the next day: dates in the message must be the UTC ones.
 */
public final class TestMessages {
    public static final Instant CREATED = Instant.parse("2026-11-20T23:30:15.750Z");
    public static final Clock CLOCK = Clock.fixed(CREATED, ZoneId.of("Europe/Amsterdam"));
    public static final SecureXml XML = new SecureXml();
    public static final ExchangeCodec CODEC = new ExchangeCodec();

    private TestMessages() {}

    public static NationalRequest exampleRequest() {
        try {
            return new NationalRequestParser().parse(Files.readAllBytes(Path.of("docs/examples/assistance-request.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Partner de() {
        return PartnerRegistry.load(null, "NL", k -> null).require("DE", ErrorCode.UNKNOWN_PARTNER);
    }

    public static ExchangeMessageType translated(NationalRequest r) {
        return new RequestTranslator("NL", "NL", CLOCK).translate(r, de());
    }

    /**
     * The translated example as a freshly parsed document (serialised and parsed again, as a partner receives it).
     * Header and request only: declarations are added by the translate stage, not by {@link RequestTranslator}.
     */
    public static Document exampleDocument() {
        Document built = CODEC.toDocument(translated(exampleRequest()), XML.newDocument());
        return XML.parse(XML.serialize(built));
    }

    /** The first descendant element in the exchange namespace along a path of local names, e.g. "Header/Sender". */
    public static Element at(Element from, String path) {
        Element cur = from;
        for (String name : path.split("/")) {
            Element next = null;
            for (Node n = cur.getFirstChild(); n != null && next == null; n = n.getNextSibling()) {
                if (n instanceof Element e && ExchangeCodec.NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                    next = e;
                }
            }
            if (next == null) {
                throw new AssertionError("no element " + path + " (stopped at " + name + ")");
            }
            cur = next;
        }
        return cur;
    }

    public static String text(Element from, String path) {
        return at(from, path).getTextContent();
    }
}
