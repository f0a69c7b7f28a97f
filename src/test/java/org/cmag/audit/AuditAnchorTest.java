package org.cmag.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cmag.crypto.AtomicFiles;
import org.cmag.crypto.DevCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anchor file on its own: it holds the signed checkpoint itself, and a writer that fails or is killed while
 * writing a new anchor leaves the old one readable (temporary file, fsync, atomic rename, fsync of the directory). What
 * a crash leaves is simulated two ways - a write that fails half-way, and the half-written temporary file a killed
 * writer leaves behind - and produced for real by killing a writing process with SIGKILL. (A power loss, which the
 * fsyncs are for, is not something a test can produce.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditAnchorTest {
    private static final Instant AT = Instant.parse("2026-11-20T09:15:30.123Z");

    private DevCertificates.Issued key;

    @TempDir
    Path root;
    private int n;

    @BeforeAll
    void keys() {
        DevCertificates.Issued ca = DevCertificates.newCa("CN=NL audit test CA", AT.minus(Duration.ofDays(1)), AT.plus(Duration.ofDays(365)));
        key = DevCertificates.issue(ca, DevCertificates.Spec.of("CN=NL gateway signing", DevCertificates.Usage.SIGNING,
                AT.minus(Duration.ofDays(1)), AT.plus(Duration.ofDays(365))));
    }

    private AuditAnchor newAnchor() {
        return new AuditAnchor(root.resolve("gateway-" + ++n).resolve("audit/anchor.json"));
    }

    private Checkpoint checkpoint(long seq) {
        return Checkpoint.sign("NL", seq, AuditChain.sha256Hex(("record " + seq).getBytes(StandardCharsets.UTF_8)), AT.plusSeconds(seq), key.key(),
                key.certificate());
    }

    private static List<Path> temporaryFiles(AuditAnchor anchor) throws IOException {
        try (Stream<Path> files = Files.list(anchor.file().getParent())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void anchorIsTheSignedCheckpointItself() throws Exception {
        AuditAnchor anchor = newAnchor();
        assertThat(anchor.read()).as("no file yet").isEmpty();
        Checkpoint written = checkpoint(42);
        anchor.write(written);
        Checkpoint read = anchor.read().orElseThrow();
        assertThat(read.gatewayId()).isEqualTo("NL");
        assertThat(read.headSeq()).isEqualTo(42);
        assertThat(read.headHash()).isEqualTo(written.headHash());
        assertThat(read.createdAt()).isEqualTo(written.createdAt());
        assertThat(read.signature()).isEqualTo(written.signature());
        assertThat(read.certificate()).isEqualTo(key.certificate());
        assertThat(read.signatureValid()).as("verifiable with the gateway's certificate").isTrue();
        assertThat(Files.readString(anchor.file())).contains("\"format\" : \"cmag-audit-checkpoint/1\"").contains("\"headSeq\" : 42");
        assertThat(temporaryFiles(anchor)).isEmpty();
    }

    @Test
    void writeThatFailsHalfWayLeavesTheOldAnchor() throws Exception {
        AuditAnchor anchor = newAnchor();
        anchor.write(checkpoint(1));
        byte[] next = CheckpointJson.bytes(checkpoint(2));
        assertThatThrownBy(() -> AtomicFiles.write(anchor.file(), out -> {
            out.write(next, 0, next.length / 2);
            throw new IOException("No space left on device");
        })).hasMessage("No space left on device");
        assertThat(anchor.read()).hasValueSatisfying(c -> {
            assertThat(c.headSeq()).isEqualTo(1);
            assertThat(c.signatureValid()).isTrue();
        });
        assertThat(temporaryFiles(anchor)).isEmpty();
    }

    @Test
    void writerKilledBeforeTheRenameLeavesTheOldAnchorAndTheNextWriteClearsUp() throws Exception {
        AuditAnchor anchor = newAnchor();
        anchor.write(checkpoint(1));
        // what a writer killed between writing its temporary file and the rename leaves behind
        byte[] next = CheckpointJson.bytes(checkpoint(2));
        Path leftover = anchor.file().resolveSibling(".anchor.json4711834465.tmp");
        Files.write(leftover, Arrays.copyOf(next, next.length / 2));

        assertThat(anchor.read()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(1));
        anchor.write(checkpoint(3));
        assertThat(anchor.read()).hasValueSatisfying(c -> assertThat(c.headSeq()).isEqualTo(3));
        assertThat(temporaryFiles(anchor)).isEmpty();
    }

    @Test
    void tornAnchorIsNeverTakenForACheckpoint() throws Exception {
        AuditAnchor anchor = newAnchor();
        anchor.write(checkpoint(7));
        byte[] whole = Files.readAllBytes(anchor.file());
        Files.write(anchor.file(), Arrays.copyOf(whole, whole.length - 40));
        assertThatThrownBy(anchor::read).isInstanceOf(AuditAnchor.Unreadable.class)
                .hasMessageContaining("the anchor file " + anchor.file() + " is not a signed checkpoint");
        Files.write(anchor.file(), new byte[0]);
        assertThatThrownBy(anchor::read).isInstanceOf(AuditAnchor.Unreadable.class);
    }

    @Test
    void processKilledWhileWritingAnchorsLeavesAValidOne() throws Exception {
        AuditAnchor anchor = newAnchor();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process writer = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                AnchorWriterProcess.class.getName(), anchor.file().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long written = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII))) {
            // kill it while it is busy writing: after it reported 25 anchors, it is writing the next one or about to
            for (String line; written < 25 && (line = lines.readLine()) != null; ) {
                written = Long.parseLong(line.strip());
            }
            assertThat(written).as("the writer process wrote anchors before it was killed").isEqualTo(25);
            writer.destroyForcibly(); // SIGKILL on POSIX: no finally blocks, no shutdown hooks
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            writer.destroyForcibly();
        }
        Checkpoint left = anchor.read().orElseThrow();
        assertThat(left.headSeq()).isGreaterThanOrEqualTo(written);
        assertThat(left.signatureValid()).isTrue();
        assertThat(temporaryFiles(anchor)).hasSizeLessThanOrEqualTo(1);
    }
}
