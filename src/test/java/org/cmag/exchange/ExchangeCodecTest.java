package org.cmag.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cmag.exchange.TestMessages.CODEC;
import static org.cmag.exchange.TestMessages.XML;
import static org.cmag.exchange.TestMessages.at;
import static org.cmag.exchange.TestMessages.exampleDocument;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ExchangeCodecTest {

    private static GatewayException schemaInvalid(Element e) {
        GatewayException ex = catchThrowableOfType(GatewayException.class, () -> CODEC.readMessage(e));
        assertThat(ex).as("readMessage should reject the document").isNotNull();
        assertThat(ex.errorCode()).as(ex.detail()).isEqualTo(ErrorCode.SCHEMA_INVALID);
        return ex;
    }

    /** The example document with one change applied to its root. */
    private static Element exampleWith(Consumer<Element> change) {
        Element root = exampleDocument().getDocumentElement();
        change.accept(root);
        return root;
    }

    @Test
    void readsTheExampleDocument() {
        ExchangeMessageType m = CODEC.readMessage(exampleDocument().getDocumentElement());
        assertThat(m.getHeader().getSender().getAuthorityID()).isEqualTo("NL");
        assertThat(m.getBody().getAssistanceRequest()).isNotNull();
    }

    @Test
    void rejectsAnotherRootElementWithItsName() {
        Document d = XML.parse(("<Receipt xmlns=\"urn:cmag:exchange:1\" Id=\"r\"><MessageID>x</MessageID></Receipt>")
                .getBytes(StandardCharsets.UTF_8));
        GatewayException e = schemaInvalid(d.getDocumentElement());
        assertThat(e.pointer()).isEqualTo("/Receipt");
    }

    @Test
    void rejectsTheRightNameInAnotherNamespace() {
        Document d = XML.parse("<ExchangeMessage xmlns=\"urn:cmag:exchange:2\" Id=\"m\"/>".getBytes(StandardCharsets.UTF_8));
        assertThat(schemaInvalid(d.getDocumentElement()).detail()).contains("urn:cmag:exchange:2");
    }

    @Test
    void rejectsAnElementThatIsNotTheRootButLooksRight() {
        Element header = at(exampleDocument().getDocumentElement(), "Header");
        schemaInvalid(header);
    }

    @Test
    void rejectsMissingMandatoryHeaderElement() {
        schemaInvalid(exampleWith(r -> at(r, "Header").removeChild(at(r, "Header/Sender"))));
    }

    @Test
    void rejectsUnknownElementInBody() {
        schemaInvalid(exampleWith(r -> {
            Element extra = r.getOwnerDocument().createElementNS(ExchangeCodec.NS, "Remark");
            extra.setTextContent("not in the schema");
            at(r, "Body/AssistanceRequest").appendChild(extra);
        }));
    }

    @Test
    void rejectsMissingIdAttribute() {
        schemaInvalid(exampleWith(r -> r.removeAttribute("Id")));
    }

    @ParameterizedTest
    @CsvSource({
        "Body/AssistanceRequest/RequestType, GOSSIP",
        "Header/PolicyRef/Digest, ABCDEF",
        "Header/Sender/CountryCode, nl",
        "Header/MessageID, has space",
        "Header/Created, yesterday",
        "Header/Handling/ConfidentialityClass, SECRET",
    })
    void rejectsSchemaInvalidValue(String path, String value) {
        schemaInvalid(exampleWith(r -> at(r, path).setTextContent(value)));
    }

    @Test
    void rejectsCreatedWithoutOffsetInsteadOfReadingItAsNull() {
        // schema-valid (xs:dateTime may omit the zone), but the gateway cannot place it in time
        GatewayException e = schemaInvalid(exampleWith(r -> at(r, "Header/Created").setTextContent("2026-11-20T10:00:00")));
        assertThat(e.detail()).contains("2026-11-20T10:00:00");
    }

    @Test
    void rejectsExpiresAtWithoutOffsetInsteadOfIgnoringIt() {
        schemaInvalid(exampleWith(r -> {
            Element expires = r.getOwnerDocument().createElementNS(ExchangeCodec.NS, "ExpiresAt");
            expires.setTextContent("2026-11-21T10:00:00");
            at(r, "Header").insertBefore(expires, at(r, "Header/MessageType"));
        }));
    }

    @Test
    void readsExpiresAtWithOffset() {
        Element root = exampleWith(r -> {
            Element expires = r.getOwnerDocument().createElementNS(ExchangeCodec.NS, "ExpiresAt");
            expires.setTextContent("2026-11-21T10:00:00+01:00");
            at(r, "Header").insertBefore(expires, at(r, "Header/MessageType"));
        });
        assertThat(CODEC.readMessage(root).getHeader().getExpiresAt().toInstant())
                .isEqualTo(java.time.Instant.parse("2026-11-21T09:00:00Z"));
    }

    @Test
    void rejectsRetentionDateWithZoneInsteadOfReadingItAsNull() {
        schemaInvalid(exampleWith(r -> at(r, "Header/Handling/RetentionUntil").setTextContent("2032-11-20+01:00")));
    }

    @Test
    void refusesToMarshalAnIncompleteMessage() {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> CODEC.toDocument(new ExchangeMessageType(), XML.newDocument()));
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_INVALID);
    }
}
