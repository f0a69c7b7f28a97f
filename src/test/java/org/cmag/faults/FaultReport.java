package org.cmag.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The scenario table and the findings, as Markdown for {@code target/fault-report.md} and for the console. */
final class FaultReport {
    private FaultReport() {}

    static String table(List<Scenario> scenarios) {
        StringBuilder b = new StringBuilder();
        b.append("| scenario | accepted | delivered | lost | dead-lettered | duplicated | redelivered | ack missing/dup | recovery time | verdict |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Scenario s : scenarios) {
            if (!s.ran()) {
                b.append("| ").append(s).append(" | - | - | - | - | - | - | - | - | SKIPPED: ").append(s.skipped == null ? "not run" : s.skipped).append(" |\n");
                continue;
            }
            b.append("| ").append(s).append(" | ").append(s.accepted).append(" | ").append(s.delivered).append(" | ").append(s.lost).append(" | ")
                    .append(s.deadLettered).append(" | ").append(s.duplicated).append(" | ").append(s.redelivered).append(" | ").append(s.ackProblems)
                    .append(" | ").append(s.recovery).append(" | ").append(s.violations.isEmpty() ? "PASS" : "FAIL (" + s.violations.size() + ")")
                    .append(" |\n");
        }
        return b.toString();
    }

    static String markdown(long seed, String runId, Duration took, List<Scenario> scenarios, List<Invariants.Checkpoint> checkpoints,
            List<String> timeline, List<String> harness, Path runDir) {
        StringBuilder b = new StringBuilder();
        b.append("# Fault-injection report: crash-consistent exchange\n\n");
        b.append("- seed: `").append(seed).append("` (reproduce the fault choices with `-Dfaults.seed=").append(seed).append("`)\n");
        b.append("- run: `").append(runId).append("`, data and gateway logs under `").append(runDir).append("`\n");
        b.append("- took: ").append(took.toSeconds()).append(" s; execution order 7, 3, 4, checkpoint A, 1, 2, checkpoint B, 5, 6, final checkpoint\n");
        b.append("- evidence: `").append(runDir.resolve("evidence")).append("` (submissions.csv, DE-national-calls.csv, NL-national-calls.csv),"
                + " gateway logs `").append(runDir.resolve("logs")).append("`\n\n");
        b.append(table(scenarios)).append('\n');
        b.append("accepted = 202 from NL's national API (scenario 7: 200 receipts from DE's partner door); delivered = reached DE's national"
                + " callback (2xx) at least once; lost = accepted, never delivered and not dead-lettered with a reason; duplicated ="
                + " delivered with different bytes under one Idempotency-Key, or delivered although never accepted; redelivered = same"
                + " Idempotency-Key and identical bytes more than once (allowed); ack missing/dup = delivered requests whose automatic"
                + " acknowledgement did not reach NL's national callback exactly once; recovery time = end of the fault to the first delivery"
                + " of the last accepted message.\n\n");
        if (!harness.isEmpty()) {
            b.append("## Harness problems\n\n");
            harness.forEach(h -> b.append("- ").append(h).append('\n'));
            b.append('\n');
        }
        for (Scenario s : scenarios) {
            b.append("## ").append(s).append("\n\n");
            if (!s.ran()) {
                b.append("SKIPPED: ").append(s.skipped == null ? "not run" : s.skipped).append("\n\n");
                continue;
            }
            b.append("ran ").append(s.start).append(" .. ").append(s.end).append("; fault ").append(s.faultStart).append(" .. ").append(s.faultEnd)
                    .append("; load stopped ").append(s.loadStopped).append("; settled: ").append(s.settled)
                    .append(" (bound ").append(s.settleBound == null ? "-" : s.settleBound.toSeconds() + " s").append(")\n\n");
            if (!s.violations.isEmpty()) {
                b.append("Violations (").append(s.violations.size()).append("): ").append(Invariants.categories(s.violations)).append("\n\n");
                s.violations.stream().limit(60).forEach(v -> b.append("- ").append(v).append('\n'));
                if (s.violations.size() > 60) {
                    b.append("- ... and ").append(s.violations.size() - 60).append(" more\n");
                }
                b.append('\n');
            }
            if (!s.notes.isEmpty()) {
                b.append("Notes:\n\n");
                s.notes.stream().limit(40).forEach(v -> b.append("- ").append(v).append('\n'));
                if (s.notes.size() > 40) {
                    b.append("- ... and ").append(s.notes.size() - 40).append(" more\n");
                }
                b.append('\n');
            }
        }
        for (Invariants.Checkpoint cp : checkpoints) {
            b.append("## Checkpoint ").append(cp.name).append(" (").append(cp.at).append(", covers ")
                    .append(cp.covered.stream().map(Scenario::id).toList()).append(")\n\n");
            cp.violations.forEach(v -> b.append("- FAIL: ").append(v).append('\n'));
            cp.notes.forEach(v -> b.append("- ").append(v).append('\n'));
            b.append('\n');
        }
        b.append("## Timeline\n\n```\n");
        timeline.forEach(t -> b.append(t).append('\n'));
        b.append("```\n");
        return b.toString();
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
