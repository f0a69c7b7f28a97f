package org.cmag.wco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Every real WCO DEC declaration and cancellation of the shared corpus translates into an exchange Declaration that
 * validates against schemas/, and every leaf value and attribute of the input is either in the output at the same
 * WCO place or in the unmapped report. Invalid samples are rejected with their code and location.
 */
class WcoCorpusTest {
    static final SecureXml XML = new SecureXml();
    static final WcoPaths PATHS = WcoPaths.load();
    static final ExchangeCodec CODEC = new ExchangeCodec();
    static final Map<Path, DeclarationTranslator> TRANSLATORS = new ConcurrentHashMap<>();
    static final AtomicLong CARRIED = new AtomicLong();
    static final AtomicLong UNMAPPED = new AtomicLong();
    static final Set<String> UNMAPPED_POINTERS = ConcurrentHashMap.newKeySet();

    static DeclarationTranslator translator(Path schemaDir) {
        return TRANSLATORS.computeIfAbsent(schemaDir, d -> new DeclarationTranslator(new WcoDecReader(d, XML, PATHS), PATHS, XML));
    }

    static Stream<WcoCorpus.Sample> validDeclarations() {
        return Stream.concat(WcoCorpus.samples("WCO DEC declaration", "VALID").stream(),
                WcoCorpus.samples("WCO DEC cancellation", "VALID").stream());
    }

    static Stream<WcoCorpus.Sample> invalidDeclarations() {
        return WcoCorpus.samples("WCO DEC declaration", "INVALID").stream();
    }

    @BeforeAll
    static void corpusPresent() {
        WcoCorpus.assumePresent();
        assertThat(validDeclarations().count()).as("valid DEC declarations and cancellations in samples.tsv").isGreaterThan(250);
    }

    @AfterAll
    static void report() {
        System.out.println("WCO corpus: " + validDeclarations().count() + " declarations; " + CARRIED.get() + " leaf values/attributes carried, "
                + UNMAPPED.get() + " reported unmapped; unmapped pointers: " + new java.util.TreeSet<>(UNMAPPED_POINTERS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validDeclarations")
    void translatesToAValidPayloadAndAccountsForEveryLeaf(WcoCorpus.Sample sample) throws Exception {
        byte[] input = Files.readAllBytes(sample.file());
        DeclarationTranslator.Translation t = translator(sample.schemaDir()).fromWcoDec(input);

        CODEC.validate(t.declaration());
        Document in = XML.parse(input);
        Element inDeclaration = declaration(in.getDocumentElement());
        Map<String, String> inputLeaves = new LinkedHashMap<>();
        leaves(inDeclaration, inDeclaration.getParentNode() instanceof Element ? "/MetaData/Declaration" : "/Declaration", inputLeaves);
        Map<String, String> outputLeaves = new HashMap<>();
        leaves(t.declaration(), inDeclaration.getParentNode() instanceof Element ? "/MetaData/Declaration" : "/Declaration", outputLeaves);
        Set<String> reported = new HashSet<>();
        t.unmapped().forEach(u -> reported.add(u.inputPath()));

        for (Map.Entry<String, String> leaf : inputLeaves.entrySet()) {
            if (outputLeaves.containsKey(leaf.getKey())) {
                assertThat(outputLeaves.get(leaf.getKey())).as("value of %s", leaf.getKey()).isEqualTo(leaf.getValue());
                CARRIED.incrementAndGet();
            } else {
                assertThat(reported).as("%s is neither carried nor reported unmapped", leaf.getKey()).contains(leaf.getKey());
                UNMAPPED.incrementAndGet();
            }
        }
        t.unmapped().forEach(u -> UNMAPPED_POINTERS.add(u.pointer()));
        assertThat(t.unmapped()).allSatisfy(u -> assertThat(u.pointer()).isNotBlank().isNotEqualTo("?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validDeclarations")
    void theSameDeclarationAsNationalJsonGivesTheSamePayload(WcoCorpus.Sample sample) throws Exception {
        byte[] input = Files.readAllBytes(sample.file());
        DeclarationTranslator translator = translator(sample.schemaDir());
        DeclarationTranslator.Translation fromDec = translator.fromWcoDec(input);

        var json = translator.toNationalJson(input);
        DeclarationTranslator.Translation fromJson = translator.fromNationalJson(json, "");

        assertThat(new String(XML.serialize(fromJson.declaration()), StandardCharsets.UTF_8))
                .isEqualTo(new String(XML.serialize(fromDec.declaration()), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDeclarations")
    void invalidDeclarationsAreRejectedWithTheirLocation(WcoCorpus.Sample sample) throws Exception {
        byte[] input = Files.readAllBytes(sample.file());
        assertThatThrownBy(() -> translator(sample.schemaDir()).fromWcoDec(input))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isIn(ErrorCode.SCHEMA_INVALID, ErrorCode.XML_MALFORMED);
                    assertThat(e.detail()).containsPattern("line \\d+, column \\d+");
                    if (e.errorCode() == ErrorCode.SCHEMA_INVALID) {
                        assertThat(e.pointer()).startsWith("/");
                    }
                });
    }

    static Element declaration(Element root) {
        if (root.getLocalName().equals("Declaration")) {
            return root;
        }
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals("Declaration")) {
                return e;
            }
        }
        throw new AssertionError("no Declaration");
    }

    /** Leaf values and attributes by position, with the mapper's path convention ([n] only where a name repeats). */
    static void leaves(Element e, String path, Map<String, String> out) {
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (a.getNamespaceURI() == null && !a.getName().equals("listName")) {
                out.put(path + "/@" + a.getName(), a.getValue());
            }
        }
        boolean children = false;
        Map<String, Integer> seen = new HashMap<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                children = true;
                int index = seen.merge(c.getLocalName(), 1, Integer::sum);
                boolean repeats = index > 1;
                for (Node s = c.getNextSibling(); s != null && !repeats; s = s.getNextSibling()) {
                    repeats = s instanceof Element se && se.getLocalName().equals(c.getLocalName());
                }
                leaves(c, path + "/" + c.getLocalName() + (repeats ? "[" + index + "]" : ""), out);
            }
        }
        if (!children) {
            out.put(path, e.getTextContent());
        }
    }

    static List<String> ids(List<Unmapped> u) {
        return u.stream().map(Unmapped::pointer).toList();
    }

    static Path shared() {
        return WcoCorpus.ROOT;
    }
}
