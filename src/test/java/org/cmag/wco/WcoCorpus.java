package org.cmag.wco;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The real WCO material in ../shared/wco (HMRC, Apache-2.0), read in place; never copied into the project. */
final class WcoCorpus {
    static final Path ROOT = Path.of("../shared/wco");
    static final Path V3 = ROOT.resolve("hmrc__customs-declarations/public/api/conf/3.0/schemas/wco/declaration");
    static final Path EXPORTS = ROOT.resolve("hmrc__customs-declare-exports/conf/wco-declaration-schemas/declaration");

    private WcoCorpus() {}

    /** One sample row of samples.tsv. */
    record Sample(Path file, String kind, String schema, String result) {
        Path schemaDir() {
            return schema.equals("wrappers/dec_exports.xsd") ? EXPORTS : V3;
        }

        @Override
        public String toString() {
            return ROOT.relativize(file).toString();
        }
    }

    /** Skips loudly when the shared corpus is not there (CI always has it). */
    static void assumePresent() {
        if (!Files.isRegularFile(ROOT.resolve("samples.tsv"))) {
            String msg = "../shared/wco is absent - WCO corpus tests SKIPPED (CI always has it)";
            System.err.println(msg);
            Assumptions.abort(msg);
        }
    }

    static List<Sample> samples(String kindPrefix, String result) {
        if (!Files.isRegularFile(ROOT.resolve("samples.tsv"))) {
            return List.of();
        }
        try {
            List<Sample> out = new ArrayList<>();
            for (String line : Files.readAllLines(ROOT.resolve("samples.tsv"))) {
                String[] f = line.split("\t", -1);
                if (f.length >= 4 && f[1].startsWith(kindPrefix) && f[3].equals(result)) {
                    out.add(new Sample(ROOT.resolve(f[0]), f[1], f[2], f[3]));
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
