package org.cmag.wco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Real WCO RES-DMS notifications (UK CDS) translate into a schema-valid exchange Response, every leaf carried or
 * reported; the RES samples the corpus lists as invalid are rejected with their location.
 */
class WcoResponseCorpusTest {
    static final Path V3 = WcoCorpus.ROOT.resolve("hmrc__customs-declarations/public/api/conf/3.0/schemas/wco/notification");
    static final Path EXPORTS = WcoCorpus.ROOT.resolve("hmrc__customs-declare-exports/conf/wco-declaration-schemas/notification");
    static final SecureXml XML = new SecureXml();
    static final WcoPaths DEC = WcoPaths.load();
    static final WcoPaths RES = WcoPaths.responses();

    static DeclarationTranslator translator(Path dir) {
        return new DeclarationTranslator(null, WcoDecReader.forResponses(dir, XML, RES), DEC, RES, XML);
    }

    static Stream<WcoCorpus.Sample> valid() {
        return WcoCorpus.samples("WCO RES", "VALID").stream();
    }

    static Stream<WcoCorpus.Sample> invalid() {
        return WcoCorpus.samples("WCO RES", "INVALID").stream();
    }

    @BeforeAll
    static void corpusPresent() {
        WcoCorpus.assumePresent();
        assertThat(valid().count()).isGreaterThanOrEqualTo(9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void translatesToAValidResponseAndAccountsForEveryLeaf(WcoCorpus.Sample sample) throws Exception {
        byte[] input = Files.readAllBytes(sample.file());
        DeclarationTranslator.Translation t = translator(sample.schema().contains("exports") ? EXPORTS : V3).fromWcoResponse(input);

        new ExchangeCodec().validate(t.declaration());
        Element in = XML.parse(input).getDocumentElement();
        Element response = in.getLocalName().equals("Response") ? in : child(in, "Response");
        Map<String, String> inputLeaves = new LinkedHashMap<>();
        Map<String, String> original = new HashMap<>();
        leaves(response, "/MetaData/Response", "/MetaData/Response", inputLeaves, original);
        Map<String, String> outputLeaves = new HashMap<>();
        WcoCorpusTest.leaves(t.declaration(), "/MetaData/Response", outputLeaves);
        Set<String> reported = new HashSet<>();
        t.unmapped().forEach(u -> reported.add(u.inputPath()));

        assertThat(inputLeaves).isNotEmpty();
        for (Map.Entry<String, String> leaf : inputLeaves.entrySet()) {
            if (outputLeaves.containsKey(leaf.getKey())) {
                assertThat(outputLeaves.get(leaf.getKey())).as("value of %s", leaf.getKey()).isEqualTo(leaf.getValue());
            } else {
                assertThat(reported).as("%s neither carried nor reported", original.get(leaf.getKey())).contains(original.get(leaf.getKey()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidResponsesAreRejectedWithTheirLocation(WcoCorpus.Sample sample) throws Exception {
        byte[] input = Files.readAllBytes(sample.file());
        assertThatThrownBy(() -> translator(sample.schema().contains("exports") ? EXPORTS : V3).fromWcoResponse(input))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isIn(ErrorCode.SCHEMA_INVALID, ErrorCode.XML_MALFORMED);
                    assertThat(e.detail()).containsPattern("line \\d+, column \\d+|Not a WCO Response");
                });
    }

    private static Element child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getLocalName().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no " + name);
    }

    /**
     * Leaves keyed by their place in the exchange Response (the full DEC Declaration is FullDeclaration there), with
     * the input path the mapper reports.
     */
    private static void leaves(Element e, String outPath, String inPath, Map<String, String> out, Map<String, String> original) {
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (a.getNamespaceURI() == null) {
                out.put(outPath + "/@" + a.getName(), a.getValue());
                original.put(outPath + "/@" + a.getName(), inPath + "/@" + a.getName());
            }
        }
        boolean children = false;
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> seenOut = new HashMap<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                children = true;
                String inName = c.getLocalName();
                boolean full = WcoMapper.DEC_NS.equals(c.getNamespaceURI()) && inName.equals("Declaration")
                        && WcoMapper.RES_NS.equals(e.getNamespaceURI());
                String outName = full ? "FullDeclaration" : inName;
                int index = seen.merge(inName, 1, Integer::sum);
                int outIndex = seenOut.merge(outName, 1, Integer::sum);
                boolean repeats = index > 1;
                boolean outRepeats = outIndex > 1;
                for (Node s = c.getNextSibling(); s != null; s = s.getNextSibling()) {
                    if (s instanceof Element se && se.getLocalName().equals(inName)) {
                        repeats = true;
                        boolean sFull = WcoMapper.DEC_NS.equals(se.getNamespaceURI()) && WcoMapper.RES_NS.equals(e.getNamespaceURI());
                        outRepeats |= sFull == full;
                    }
                }
                leaves(c, outPath + "/" + outName + (outRepeats ? "[" + outIndex + "]" : ""),
                        inPath + "/" + inName + (repeats ? "[" + index + "]" : ""), out, original);
            }
        }
        if (!children) {
            out.put(outPath, e.getTextContent());
            original.put(outPath, inPath);
        }
    }
}
