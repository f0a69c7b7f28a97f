package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code policy explain} for one real UK CDS export declaration under the shipped DE agreement, checked in full against
 * the reviewed disclosure preview in {@code src/test/resources/golden/}: every element, its action and deciding rule,
 * and the payload that would leave the country. Only the policy file's digest and the directory it was loaded from are
 * normalised. A deliberate change to the agreement or the mapping changes the preview: review the difference (the
 * actual output is written to {@code target/golden-actual/}), then copy it over the golden file.
 */
class PolicyExplainGoldenTest {
    static final Path V3 = Path.of("../shared/wco/hmrc__customs-declarations/public/api/conf/3.0");
    static final Path GOLDEN = Path.of("src/test/resources/golden/policy-explain-DE-VERIFICATION_OF_ORIGIN-ORIGIN.txt");

    @Test
    void theDisclosurePreviewOfARealDeclarationIsExactlyTheReviewedOne() throws Exception {
        Path sample = V3.resolve("examples/annotated_XML_samples/CUS_Code/New_Export_CUS_Code_Sample.xml");
        if (!Files.isRegularFile(sample)) {
            System.err.println("../shared/wco is absent - policy explain golden test SKIPPED");
            Assumptions.abort("../shared/wco absent");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[] {"policy", "explain", "--partner", "DE", "--type", "VERIFICATION_OF_ORIGIN", "--purpose", "ORIGIN",
            "--in", sample.toString(), "--wco-schemas", V3.resolve("schemas/wco/declaration").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();

        String actual = normalise(out.toString(StandardCharsets.UTF_8));
        Path written = Path.of("target/golden-actual").resolve(GOLDEN.getFileName());
        Files.createDirectories(written.getParent());
        Files.writeString(written, actual);
        assertThat(actual).as("disclosure preview differs from %s; actual output in %s", GOLDEN, written)
                .isEqualTo(Files.readString(GOLDEN));
        // what the reviewed preview establishes, stated once more in words
        assertThat(actual).contains("Purpose: ORIGIN - Verification of preferential or non-preferential origin")
                .containsPattern("GENERALISE +42A:109 +Declaration/InvoiceAmount")
                .containsPattern("DROP +42A/15A:T006 +Declaration/BorderTransportMeans/ID +default deny")
                .doesNotContain("<BorderTransportMeans>").doesNotContain("<Agent>");
    }

    /** The digest and load location of the agreement file vary with the checkout, not with the preview. */
    static String normalise(String s) {
        return s.replace("\r\n", "\n").replaceAll("sha256 [0-9a-f]{64}", "sha256 <policy file digest>")
                .replaceAll("[^ (]*policies/partners/", "policies/partners/");
    }
}
