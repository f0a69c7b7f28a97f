package org.cmag.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cmag.exchange.TestMessages.XML;
import static org.cmag.exchange.TestMessages.at;
import static org.cmag.exchange.TestMessages.exampleDocument;
import static org.cmag.exchange.TestMessages.text;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/** The unverified routing claims of a received message, and their rejects with the element path. */
class EnvelopeTest {

    private static Element exampleWith(Consumer<Element> change) {
        Element root = exampleDocument().getDocumentElement();
        change.accept(root);
        return root;
    }

    private static void remove(Element root, String path) {
        Element e = at(root, path);
        e.getParentNode().removeChild(e);
    }

    private static void assertHeaderInvalid(Element root, String pointer) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> Envelope.read(root));
        assertThat(e).as("Envelope.read should reject").isNotNull();
        assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.HEADER_INVALID);
        assertThat(e.pointer()).as(e.detail()).isEqualTo(pointer);
    }

    @Test
    void readsMessageIdSenderReceiverAndDigest() {
        Element root = exampleDocument().getDocumentElement();
        Envelope env = Envelope.read(root);
        assertThat(env.messageId()).isEqualTo(text(root, "Header/MessageID")).startsWith("NL-");
        assertThat(env.senderId()).isEqualTo("NL");
        assertThat(env.senderCountry()).isEqualTo("NL");
        assertThat(env.receiverId()).isEqualTo("DE");
        assertThat(env.digest()).isEqualTo(MessageDigests.canonicalSha256(root)).matches("[0-9a-f]{64}");
    }

    @Test
    void stripsWhitespaceAroundValues() {
        Element root = exampleWith(r -> at(r, "Header/MessageID").setTextContent("\n  NL-42 \t"));
        assertThat(Envelope.read(root).messageId()).isEqualTo("NL-42");
    }

    @ParameterizedTest
    @CsvSource({
        "Header, /ExchangeMessage/Header",
        "Header/MessageID, /ExchangeMessage/Header/MessageID",
        "Header/Sender, /ExchangeMessage/Header/Sender",
        "Header/Receiver, /ExchangeMessage/Header/Receiver",
        "Header/Sender/AuthorityID, /ExchangeMessage/Header/Sender/AuthorityID",
        "Header/Sender/CountryCode, /ExchangeMessage/Header/Sender/CountryCode",
        "Header/Receiver/AuthorityID, /ExchangeMessage/Header/Receiver/AuthorityID",
    })
    void rejectsMissingElementWithItsPath(String path, String pointer) {
        assertHeaderInvalid(exampleWith(r -> remove(r, path)), pointer);
    }

    @ParameterizedTest
    @CsvSource({
        "Header/MessageID, /ExchangeMessage/Header/MessageID",
        "Header/Sender, /ExchangeMessage/Header/Sender",
        "Header/Receiver/AuthorityID, /ExchangeMessage/Header/Receiver/AuthorityID",
    })
    void rejectsDuplicatedElementWithItsPath(String path, String pointer) {
        Element root = exampleWith(r -> {
            Element e = at(r, path);
            e.getParentNode().insertBefore(e.cloneNode(true), e.getNextSibling());
        });
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> Envelope.read(root));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.HEADER_INVALID);
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.detail()).contains("more than once");
    }

    @Test
    void rejectsSecondMessageIdEvenWithAnotherValue() {
        Element root = exampleWith(r -> {
            Element first = at(r, "Header/MessageID");
            Element second = (Element) first.cloneNode(true);
            second.setTextContent("NL-other");
            first.getParentNode().appendChild(second);
        });
        assertHeaderInvalid(root, "/ExchangeMessage/Header/MessageID");
    }

    @Test
    void ignoresLookAlikeElementsInAnotherNamespace() {
        Element root = exampleWith(r -> {
            Element fake = r.getOwnerDocument().createElementNS("urn:evil", "e:MessageID");
            fake.setTextContent("EVIL-1");
            at(r, "Header").insertBefore(fake, at(r, "Header/MessageID"));
        });
        assertThat(Envelope.read(root).messageId()).isEqualTo(text(root, "Header/MessageID"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NL 1", "NL/1", "NL<1>", "NL-\u00e9", "NL;DROP", "NL\u00a01"})
    void rejectsMessageIdWithBadCharacters(String id) {
        assertHeaderInvalid(exampleWith(r -> at(r, "Header/MessageID").setTextContent(id)), "/ExchangeMessage/Header/MessageID");
    }

    @Test
    void acceptsMessageIdOfSeventyAllowedCharactersButNotMore() {
        String seventy = "A-._:9".repeat(12).substring(0, 70);
        assertThat(Envelope.read(exampleWith(r -> at(r, "Header/MessageID").setTextContent(seventy))).messageId()).isEqualTo(seventy);
        assertHeaderInvalid(exampleWith(r -> at(r, "Header/MessageID").setTextContent(seventy + "1")),
                "/ExchangeMessage/Header/MessageID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptySender(String value) {
        assertHeaderInvalid(exampleWith(r -> at(r, "Header/Sender/AuthorityID").setTextContent(value)),
                "/ExchangeMessage/Header/Sender/AuthorityID");
    }

    @Test
    void rejectsAnotherDocumentElement() {
        Element root = XML.parse("<Envelope xmlns=\"urn:cmag:exchange:1\"/>".getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        assertHeaderInvalid(root, "/Envelope");
    }

    @Test
    void rejectsExchangeMessageInAnotherNamespace() {
        Element root = XML.parse("<x:ExchangeMessage xmlns:x=\"urn:cmag:exchange:0\"/>".getBytes(StandardCharsets.UTF_8))
                .getDocumentElement();
        assertHeaderInvalid(root, "/x:ExchangeMessage");
    }
}
