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
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*) \\| [^|]* \\| `([^`]+)` \\|$");
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
                documented.add(m.group(1) + " " + m.group(2).strip() + " " + m.group(3));
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
                carried.add(r.path() + " " + r.wcoId() + " " + r.pointer());
            } else if (r.isClass() && paths.find(r.path().substring(0, r.path().lastIndexOf('/'))).map(WcoPaths.Row::carried).orElse(true)) {
                notCarriedClasses.add(r.path());
            }
        }
        assertThat(carried).hasSizeGreaterThan(400);
        for (WcoPaths.Row r : responses.all()) {
            if (r.carried()) {
                carried.add(r.path() + " " + r.wcoId() + " " + r.pointer());
            }
        }
        assertThat(documented).containsExactlyElementsOf(carried);
        assertThat(documentedNotCarried).containsExactlyInAnyOrderElementsOf(notCarriedClasses);
    }
}
