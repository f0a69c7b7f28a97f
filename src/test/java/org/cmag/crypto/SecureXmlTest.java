package org.cmag.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SecureXmlTest {

    private final SecureXml xml = new SecureXml();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesNamespaceAware() {
        Document doc = xml.parse(utf8("<ex:A xmlns:ex=\"urn:cmag:exchange:1\"><ex:B>x</ex:B></ex:A>"));
        Element root = doc.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo("urn:cmag:exchange:1");
        assertThat(root.getLocalName()).isEqualTo("A");
    }

    @Test
    void parsesFromStream() {
        Document doc = xml.parse(new ByteArrayInputStream(utf8("<a><b/></a>")));
        assertThat(doc.getDocumentElement().getFirstChild().getNodeName()).isEqualTo("b");
    }

    @Test
    void doctypeIsForbidden() {
        assertThatThrownBy(() -> xml.parse(utf8("<!DOCTYPE a><a/>")))
                .isInstanceOf(GatewayException.class)
                .extracting(e -> ((GatewayException) e).errorCode())
                .isEqualTo(ErrorCode.XML_FORBIDDEN_CONSTRUCT);
    }

    @Test
    void externalEntityIsForbidden() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>";
        assertThatThrownBy(() -> xml.parse(utf8(xxe)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_FORBIDDEN_CONSTRUCT);
                    assertThat(e.detail()).contains("DOCTYPE");
                });
    }

    @Test
    void entityExpansionIsForbidden() {
        String laughs = "<!DOCTYPE a [<!ENTITY l \"lol\"><!ENTITY l2 \"&l;&l;&l;&l;&l;&l;&l;&l;\">]><a>&l2;</a>";
        assertThatThrownBy(() -> xml.parse(utf8(laughs)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_FORBIDDEN_CONSTRUCT));
    }

    @Test
    void undeclaredEntityIsMalformed() {
        assertThatThrownBy(() -> xml.parse(utf8("<a>&x;</a>")))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_MALFORMED));
    }

    @Test
    void garbageIsMalformedWithPosition() {
        assertThatThrownBy(() -> xml.parse(utf8("this is not xml")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_MALFORMED);
                    assertThat(e.detail()).contains("line 1, column");
                });
        assertThatThrownBy(() -> xml.parse(utf8("<a>\n<b></a>")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_MALFORMED);
                    assertThat(e.detail()).contains("line 2");
                });
        assertThatThrownBy(() -> xml.parse(new byte[0]))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_MALFORMED));
    }

    @Test
    void xincludeIsRefusedAsAForbiddenConstruct() {
        assertThatThrownBy(() -> xml.parse(utf8("<a xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
                + "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></a>")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_FORBIDDEN_CONSTRUCT);
                    assertThat(e.detail()).contains("XInclude").contains("line 1");
                    assertThat(e.pointer()).isEqualTo("/a/xi:include");
                });
    }

    @Test
    void eachStructureLimitIsEnforcedAndNamedWithItsLocation() {
        SecureXml small = new SecureXml(new XmlLimits(4, 10, 3, 12, 20));
        small.parse(utf8("<a x=\"1\" y=\"2\"><b><c><d>12345678901234567890</d></c></b></a>"));
        assertLimit(small, "<a><b><c><d><e/></d></c></b></a>", "gateway.xml.max-depth (4)", "/a/b/c/d/e");
        assertLimit(small, "<a>" + "<b/>".repeat(10) + "</a>", "gateway.xml.max-elements (10)", "/a/b");
        assertLimit(small, "<a><b p=\"1\" q=\"2\" r=\"3\" s=\"4\"/></a>", "gateway.xml.max-attributes (3)", "/a/b");
        assertLimit(small, "<a xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" r=\"3\" s=\"4\"/>", "gateway.xml.max-attributes (3)", "/a");
        assertLimit(small, "<a><abcdefghijklm/></a>", "gateway.xml.max-name-length (12)", "/a/abcdefghijklm");
        assertLimit(small, "<a><b>123456789012345678901</b></a>", "gateway.xml.max-text-length (20)", "/a/b");
        assertLimit(small, "<a><b v=\"123456789012345678901\"/></a>", "gateway.xml.max-text-length (20)", "/a/b");
        // text split by the parser into several chunks (an entity reference) is still one text node
        assertLimit(small, "<a><b>1234567890&amp;1234567890</b></a>", "gateway.xml.max-text-length (20)", "/a/b");
    }

    @Test
    void aMillionNestedElementsFailFastOnTheDepthLimit() {
        byte[] deep = utf8("<a>".repeat(1_000_000));
        long start = System.nanoTime();
        assertThatThrownBy(() -> xml.parse(deep)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED));
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(2));
    }

    @Test
    void limitsAreConfiguredWithSafeDefaultsAndRefuseNonsense() {
        org.cmag.config.GatewayConfig config = org.cmag.config.GatewayConfig.load(null, java.util.Map.of(), java.util.Map.of());
        assertThat(XmlLimits.from(config)).isEqualTo(XmlLimits.DEFAULTS);
        org.cmag.config.GatewayConfig bad = org.cmag.config.GatewayConfig.load(null, java.util.Map.of(),
                java.util.Map.of("gateway.xml.max-depth", "0"));
        assertThatThrownBy(() -> XmlLimits.from(bad)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.detail()).contains("gateway.xml.max-depth");
        });
    }

    private static void assertLimit(SecureXml parser, String xmlText, String limit, String pointer) {
        assertThatThrownBy(() -> parser.parse(utf8(xmlText))).as(xmlText).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
            assertThat(e.detail()).contains("XML limit " + limit).contains("at line 1, column");
            assertThat(e.pointer()).isEqualTo(pointer);
        });
    }

    @Test
    void serializeRoundTripsContentExactly() {
        String source = "<ex:A xmlns:ex=\"urn:x\" b=\"1 &amp; 2\"><!-- c --><ex:B>t&lt;x&gt; \u00e9\u20ac</ex:B></ex:A>";
        Document doc = xml.parse(utf8(source));
        // a carriage return in text must survive serialize -> parse (signatures cover it)
        doc.getDocumentElement().getLastChild().appendChild(doc.createTextNode("line1\r\nline2"));
        byte[] bytes = xml.serialize(doc);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).startsWith("<?xml").doesNotContain("\n<ex:B");
        Document again = xml.parse(bytes);
        assertThat(again.getDocumentElement().getLastChild().getTextContent()).isEqualTo("t<x> \u00e9\u20acline1\r\nline2");
        assertThat(again.getDocumentElement().getAttribute("b")).isEqualTo("1 & 2");
        assertThat(new String(xml.serialize(again.getDocumentElement()), StandardCharsets.UTF_8)).startsWith("<ex:A");
    }

    @Test
    void newDocumentIsEmpty() {
        assertThat(xml.newDocument().getDocumentElement()).isNull();
    }

    @Test
    void isThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                tasks.add(() -> {
                    Document d = xml.parse(utf8("<a><n>" + n + "</n></a>"));
                    return new String(xml.serialize(xml.parse(xml.serialize(d))), StandardCharsets.UTF_8);
                });
            }
            List<Future<String>> results = pool.invokeAll(tasks);
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).contains("<n>" + i + "</n>");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
