package org.cmag.wco;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/wco-mapping.md says what the mappers do: same carried DEC and RES paths, same pointers, same not-carried classes. */
class WcoMappingDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*) \\| [^|]* \\| `([^`]+)` \\| ([^|]*) \\|$");
    private static final Pattern NOT_CARRIED = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*) \\| credentials");

    @Test
    void theMappingDocumentListsExactlyTheCarriedPathsWithTheirPointers() throws Exception {
        WcoPaths paths = WcoPaths.load();
        WcoPaths responses = WcoPaths.responses();
        Set<String> documented = new LinkedHashSet<>();
        Set<String> documentedNotCarried = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("docs/wco-mapping.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                documented.add(m.group(1) + " " + m.group(2).strip() + " " + m.group(3) + " " + m.group(4).strip());
            }
            Matcher n = NOT_CARRIED.matcher(line);
            if (n.find()) {
                documentedNotCarried.add(n.group(1));
            }
        }
        Set<String> carried = new LinkedHashSet<>();
        Set<String> notCarriedClasses = new LinkedHashSet<>();
        for (WcoPaths.Row r : paths.all()) {
            if (r.carried()) {
                carried.add(r.path() + " " + r.wcoId() + " " + r.pointer() + " " + r.category());
            } else if (r.isClass() && paths.find(r.path().substring(0, r.path().lastIndexOf('/'))).map(WcoPaths.Row::carried).orElse(true)) {
                notCarriedClasses.add(r.path());
            }
        }
        assertThat(carried).hasSizeGreaterThan(400);
        for (WcoPaths.Row r : responses.all()) {
            if (r.carried()) {
                carried.add(r.path() + " " + r.wcoId() + " " + r.pointer() + " " + r.category());
            }
        }
        assertThat(documented).containsExactlyElementsOf(carried);
        assertThat(documentedNotCarried).containsExactlyInAnyOrderElementsOf(notCarriedClasses);
    }

    /** Data categories policies name: the field catalogue's classification, except the corrections the generator lists. */
    @org.junit.jupiter.api.Test
    void everyCarriedElementHasTheDataCategoryOfTheFieldCatalogue() throws Exception {
        Path catalogue = Path.of("../shared/wco/field-catalogue.tsv");
        if (!Files.isRegularFile(catalogue)) {
            System.err.println("../shared/wco/field-catalogue.tsv is absent - data category check SKIPPED");
            org.junit.jupiter.api.Assumptions.abort("field catalogue absent");
        }
        java.util.Map<String, String> classification = new java.util.HashMap<>();
        for (String line : Files.readAllLines(catalogue).subList(1, Files.readAllLines(catalogue).size())) {
            String[] f = line.split("\t", -1);
            classification.put(f[0], f[8]);
        }
        java.util.Map<String, String> corrections = java.util.Map.of("Response/ContactOffice/ID", "OPERATIONAL");
        int checked = 0;
        for (WcoPaths table : new WcoPaths[] {WcoPaths.load(), WcoPaths.responses()}) {
            for (WcoPaths.Row r : table.all()) {
                if (!r.carried() || r.isClass() || r.kind().equals("declaration")) {
                    continue;
                }
                assertThat(r.category()).as(r.path()).isEqualTo(corrections.getOrDefault(r.path(), classification.get(r.path())));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(350);
    }
}
