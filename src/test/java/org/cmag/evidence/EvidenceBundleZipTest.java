package org.cmag.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZIP differential tests: archives built byte by byte so that they say two things (or hide something), each checked
 * three ways: what {@link ZipFile} extracts, what the {@code unzip} tool extracts ({@code /usr/bin/unzip -p}, run as a
 * process; SKIPPED loudly when it is not installed), and that {@code verify-bundle}'s verifier refuses it naming the
 * specific problem. {@link ZipInputStream} stands for the old verifier, which read local headers in sequence. The
 * genuine bundle is NL's real case bundle (real store, real development PKI).
 */
class EvidenceBundleZipTest {
    private static final Path UNZIP = Path.of("/usr/bin/unzip");
    private static final int READ_LIMIT = 8 << 20;
    private static final long HUGE = 1536L << 20; // 1.5 GiB
    private static final String REPORT = BundleFormat.REPORT;
    private static final String EVIDENCE = "evidence/" + BundleFixture.REQUEST + "/OUT-MESSAGE.xml";
    private static final byte[] FORGED_REPORT = "<html><body><h1>Evidence bundle</h1><p>DE asked nothing; NL sent nothing.</p></body></html>"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORGED_EVIDENCE = "<Signed id='NL-MSG-1'>forged: a different declaration</Signed>".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path root;

    static BundleFixture f;
    static Map<String, byte[]> genuine;
    static byte[] genuineZip;

    @BeforeAll
    static void bundle() throws IOException {
        f = new BundleFixture(root);
        Path file = f.caseBundle("case.zip");
        genuineZip = Files.readAllBytes(file);
        genuine = BundleFixture.read(file);
        if (!Files.isExecutable(UNZIP)) {
            System.err.println("\n*** SKIPPED: " + UNZIP + " is not installed: the unzip half of the ZIP differential tests does not run ***\n");
        }
    }

    @AfterAll
    static void close() {
        f.close();
    }

    @Test
    void theGenuineBundleIsThePlainFormEveryReaderReadsAlike() throws Exception {
        // the test's byte-by-byte writer writes exactly what the bundle writer wrote: the tampered archives below differ only where they say
        assertThat(TestZip.canonical(genuine)).isEqualTo(genuineZip);
        Path file = root.resolve("case.zip");
        assertThat(BundleVerifier.verify(file, f.ca).problem()).isEmpty();
        for (String name : List.of(REPORT, EVIDENCE)) {
            assertThat(zipFile(file, name).content()).isEqualTo(genuine.get(name));
            assertThat(sequential(file, name)).isEqualTo(genuine.get(name));
            unzip(file, "-p", name).ifPresent(u -> assertThat(u.out()).isEqualTo(genuine.get(name)));
        }
        assertNoDataDescriptors(genuineZip);
    }

    @Test
    void aCentralDirectoryPointingAtForgedCopiesWhileTheLocalHeadersKeepTheGenuineOnesIsRefused() throws Exception {
        TestZip z = new TestZip();
        List<TestZip.Local> locals = new ArrayList<>();
        genuine.forEach((name, content) -> locals.add(z.local(name, content)));
        TestZip.Local forgedReport = z.local(REPORT, FORGED_REPORT);
        TestZip.Local forgedEvidence = z.local(EVIDENCE, FORGED_EVIDENCE);
        locals.forEach(l -> z.central(l.name().equals(REPORT) ? forgedReport : l.name().equals(EVIDENCE) ? forgedEvidence : l));
        Path file = Files.write(root.resolve("two-meanings.zip"), z.finish());

        // read in sequence (as verify-bundle did), the genuine documents come first ...
        assertThat(sequential(file, REPORT)).isEqualTo(genuine.get(REPORT));
        assertThat(sequential(file, EVIDENCE)).isEqualTo(genuine.get(EVIDENCE));
        // ... the standard tools, central directory first, extract the forged ones
        assertThat(zipFile(file, REPORT).content()).isEqualTo(FORGED_REPORT);
        assertThat(zipFile(file, EVIDENCE).content()).isEqualTo(FORGED_EVIDENCE);
        unzip(file, "-p", REPORT).ifPresent(u -> assertThat(u.out()).as(u.err()).isEqualTo(FORGED_REPORT));
        unzip(file, "-p", EVIDENCE).ifPresent(u -> assertThat(u.out()).as(u.err()).isEqualTo(FORGED_EVIDENCE));

        // the genuine evidence entry's local header and data are no longer in the central directory: hidden bytes
        int i = indexOf(locals, EVIDENCE);
        assertThat(problem(file)).isEqualTo("bytes " + locals.get(i).offset() + " to " + (locals.get(i + 1).offset() - 1)
                + " belong to no entry of the central directory (data hidden between " + locals.get(i - 1).name() + " and " + locals.get(i + 1).name()
                + ")");
    }

    @Test
    void aPrependedArchiveOrBlobIsRefused() throws Exception {
        // a forged archive in front of the genuine one (whose offsets are shifted to match): two archives in one file
        byte[] forged = TestZip.canonical(TestZip.with(genuine, REPORT, FORGED_REPORT));
        TestZip z = new TestZip().raw(forged);
        List<TestZip.Local> locals = new ArrayList<>();
        genuine.forEach((name, content) -> locals.add(z.local(name, content)));
        locals.forEach(z::central);
        Path file = Files.write(root.resolve("prepended-archive.zip"), z.finish());
        assertThat(sequential(file, REPORT)).as("read in sequence: the prepended archive").isEqualTo(FORGED_REPORT);
        assertThat(zipFile(file, REPORT).content()).as("ZipFile: the archive at the end").isEqualTo(genuine.get(REPORT));
        unzip(file, "-p", REPORT).ifPresent(u -> assertThat(u.out()).as(u.err()).isEqualTo(genuine.get(REPORT)));
        assertThat(problem(file)).isEqualTo(forged.length + " bytes precede the first entry manifest.json (data prepended to the archive, or"
                + " the archive appended to other data)");

        // a blob in front, offsets not shifted (a self-extractor's stub, a polyglot): the tools still find the genuine entries
        byte[] blob = "<html><body>Forged summary: nothing was exchanged.</body></html>\n".getBytes(StandardCharsets.UTF_8);
        Path stub = Files.write(root.resolve("prepended-blob.zip"), concat(blob, genuineZip));
        assertThat(zipFile(stub, REPORT).content()).isEqualTo(genuine.get(REPORT));
        unzip(stub, "-p", REPORT).ifPresent(u -> {
            assertThat(u.out()).isEqualTo(genuine.get(REPORT));
            assertThat(u.err()).contains(blob.length + " extra bytes at beginning");
        });
        long centralDirectory = genuineZip.length - 22 - centralDirectorySize(genuineZip);
        assertThat(problem(stub)).isEqualTo("the central directory is at byte " + (centralDirectory + blob.length) + ", not at byte " + centralDirectory
                + " where the end record puts it: " + blob.length + " bytes were prepended to or inserted into the archive");
    }

    @Test
    void anAppendedArchiveOrBlobIsRefused() throws Exception {
        // a forged archive after the genuine one: the standard tools read the archive whose end record ends the file
        TestZip z = new TestZip().raw(genuineZip);
        List<TestZip.Local> locals = new ArrayList<>();
        TestZip.with(genuine, REPORT, FORGED_REPORT).forEach((name, content) -> locals.add(z.local(name, content)));
        locals.forEach(z::central);
        Path file = Files.write(root.resolve("appended-archive.zip"), z.finish());
        assertThat(sequential(file, REPORT)).as("read in sequence: the genuine archive").isEqualTo(genuine.get(REPORT));
        assertThat(zipFile(file, REPORT).content()).isEqualTo(FORGED_REPORT);
        unzip(file, "-p", REPORT).ifPresent(u -> assertThat(u.out()).as(u.err()).isEqualTo(FORGED_REPORT));
        assertThat(problem(file)).isEqualTo(genuineZip.length + " bytes precede the first entry manifest.json (data prepended to the archive, or"
                + " the archive appended to other data)");

        // a blob after the end record: the tools ignore it (with a warning at most), the file carries it unverified
        byte[] blob = "\n<html><body>Forged summary</body></html>\n".getBytes(StandardCharsets.UTF_8);
        Path appended = Files.write(root.resolve("appended-blob.zip"), concat(genuineZip, blob));
        assertThat(zipFile(appended, REPORT).content()).isEqualTo(genuine.get(REPORT));
        unzip(appended, "-p", REPORT).ifPresent(u -> assertThat(u.out()).isEqualTo(genuine.get(REPORT)));
        assertThat(problem(appended)).isEqualTo(blob.length + " bytes follow the end of the archive at byte " + genuineZip.length
                + " (data appended to the archive)");
    }

    @Test
    void aDuplicateNameIsRefused() throws Exception {
        TestZip z = new TestZip();
        List<TestZip.Local> locals = new ArrayList<>();
        genuine.forEach((name, content) -> locals.add(z.local(name, content)));
        locals.add(z.local(REPORT, FORGED_REPORT));
        locals.forEach(z::central);
        Path file = Files.write(root.resolve("duplicate.zip"), z.finish());
        // which of the two a tool extracts is up to the tool: Java's ZipFile takes the last, unzip -p prints both
        assertThat(zipFile(file, REPORT).content()).isEqualTo(FORGED_REPORT);
        unzip(file, "-p", REPORT).ifPresent(u -> assertThat(u.out()).isEqualTo(concat(genuine.get(REPORT), FORGED_REPORT)));
        assertThat(problem(file)).isEqualTo("entry report.html occurs twice in the central directory");
    }

    @Test
    void anEntryNotInTheManifestIsRefused() throws Exception {
        byte[] note = "<Note>The court should disregard the exchange of 2026-11-20.</Note>".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(root.resolve("unlisted.zip"), TestZip.canonical(TestZip.with(genuine, "evidence/NOTE.xml", note)));
        assertThat(zipFile(file, "evidence/NOTE.xml").content()).isEqualTo(note);
        unzip(file, "-p", "evidence/NOTE.xml").ifPresent(u -> assertThat(u.out()).isEqualTo(note));
        assertThat(problem(file)).isEqualTo("entry evidence/NOTE.xml is not listed in the manifest (added to the bundle)");
    }

    @Test
    void overlappingEntriesAreRefused() throws Exception {
        // a second central record for the genuine evidence document's bytes, under another name
        TestZip z = new TestZip();
        List<TestZip.Local> locals = new ArrayList<>();
        genuine.forEach((name, content) -> locals.add(z.local(name, content)));
        locals.forEach(z::central);
        TestZip.Local evidence = locals.get(indexOf(locals, EVIDENCE));
        z.central(evidence.withName("evidence/copy.xml"));
        Path alias = Files.write(root.resolve("overlap-alias.zip"), z.finish());
        Read alsoRead = zipFile(alias, "evidence/copy.xml");
        assertThat(alsoRead.content() != null ? alsoRead.content() : new byte[0]).as("ZipFile: %s", alsoRead.failure())
                .isEqualTo(genuine.get(EVIDENCE));
        unzip(alias, "-p", "evidence/copy.xml").ifPresent(u -> assertThat(u.exit()).as("unzip: %s", u.err()).isNotZero());
        long end = evidence.offset() + 30 + EVIDENCE.length() + evidence.compressedSize();
        assertThat(problem(alias)).isEqualTo("entries " + EVIDENCE + " and evidence/copy.xml overlap: evidence/copy.xml's local header at byte "
                + evidence.offset() + " lies inside " + EVIDENCE + ", which ends at byte " + end);

        // a central record pointing into the middle of another entry's data
        TestZip y = new TestZip();
        List<TestZip.Local> again = new ArrayList<>();
        genuine.forEach((name, content) -> again.add(y.local(name, content)));
        again.forEach(y::central);
        TestZip.Local report = again.get(indexOf(again, REPORT));
        y.central(report.withName("evidence/inside.xml").withOffset(report.offset() + 40));
        Path inside = Files.write(root.resolve("overlap-inside.zip"), y.finish());
        assertThat(zipFile(inside, "evidence/inside.xml").failure()).contains("invalid LOC header");
        unzip(inside, "-p", "evidence/inside.xml").ifPresent(u -> assertThat(u.exit()).as(u.err()).isNotZero());
        assertThat(problem(inside)).startsWith("entries report.html and evidence/inside.xml overlap: evidence/inside.xml's local header at byte "
                + (report.offset() + 40) + " lies inside report.html");
    }

    @Test
    void aHugeZeroEntryIsRefusedWithinBoundedMemory() throws Exception {
        // the test JVM's heap (surefire -Xmx1g) could not hold the entry: reading it into memory would end in OutOfMemoryError
        assertThat(Runtime.getRuntime().maxMemory()).isLessThan(HUGE);
        Bomb bomb = Bomb.zeros(HUGE);
        Path file = root.resolve("zeros.zip");
        try (OutputStream out = Files.newOutputStream(file)) {
            TestZip z = new TestZip(out);
            List<TestZip.Local> locals = new ArrayList<>();
            genuine.forEach((name, content) -> locals.add(z.local(name, content)));
            locals.add(bomb.writeTo(z, "evidence/zeros.xml"));
            locals.forEach(z::central);
            z.finish();
        }
        assertThat(Files.size(file)).as("a 1.5 GiB entry in about 1.5 MB").isLessThan(genuineZip.length + (3L << 20));
        // the tools would extract 1.5 GiB of zeros
        try (ZipFile zip = new ZipFile(file.toFile()); InputStream in = zip.getInputStream(zip.getEntry("evidence/zeros.xml"))) {
            assertThat(zip.getEntry("evidence/zeros.xml").getSize()).isEqualTo(HUGE);
            assertThat(in.readNBytes(1 << 20)).containsOnly(0);
        }
        unzip(file, "-l").ifPresent(u -> assertThat(new String(u.out(), StandardCharsets.US_ASCII)).contains(HUGE + "").contains("evidence/zeros.xml"));

        // the verifier refuses it from its headers, before inflating anything
        Measured byDefault = measure(() -> BundleVerifier.verify(file, BundleTrust.anchor(f.ca), BundleLimits.DEFAULTS));
        assertThat(byDefault.result().problem()).get().asString()
                .isEqualTo("entry evidence/zeros.xml declares " + HUGE + " bytes, more than the limit of " + (256L << 20) + " bytes per entry");
        BundleLimits large = BundleLimits.DEFAULTS.withMaxTotalBytes(3L << 30).withMaxEntryBytes(2L << 30);
        Measured byRatio = measure(() -> BundleVerifier.verify(file, BundleTrust.anchor(f.ca), large));
        assertThat(byRatio.result().problem()).get().asString().startsWith("entry evidence/zeros.xml declares " + HUGE + " bytes from "
                + bomb.compressedSize() + " compressed (ratio ").endsWith(", more than the limit of 100: a decompression bomb)");
        assertThat(byDefault.allocated()).isLessThan(16L << 20);
        assertThat(byRatio.allocated()).isLessThan(16L << 20);
    }

    @Test
    void aHugeEntryListedInASignedManifestIsDigestedAsAStreamWithinBoundedMemory() throws Exception {
        // an insider signs a bundle listing a 1.5 GiB entry; with the limits raised for it, the verifier streams it (digest while inflating)
        Bomb bomb = Bomb.zeros(HUGE, true);
        var listed = BundleFormat.JSON.createObjectNode().put("path", "evidence/zeros.xml").put("sha256", bomb.sha256()).put("size", HUGE);
        Map<String, byte[]> signed = BundleFixture.resign(genuine, f.nl.signer(Instant.now()), "NL", List.of(listed));
        Path file = root.resolve("zeros-listed.zip");
        try (OutputStream out = Files.newOutputStream(file)) {
            TestZip z = new TestZip(out);
            List<TestZip.Local> locals = new ArrayList<>();
            signed.forEach((name, content) -> locals.add(z.local(name, content)));
            locals.add(bomb.writeTo(z, "evidence/zeros.xml"));
            locals.forEach(z::central);
            z.finish();
        }
        BundleLimits large = BundleLimits.DEFAULTS.withMaxTotalBytes(3L << 30).withMaxEntryBytes(2L << 30).withMaxRatio(2000);
        Measured m = measure(() -> BundleVerifier.verify(file, BundleTrust.anchor(f.ca), large));
        assertThat(m.result().problem()).as(m.result().summary()).isEmpty();
        assertThat(m.allocated()).as("bytes allocated while verifying a bundle with a 1.5 GiB entry").isLessThan(32L << 20);
    }

    @Test
    void anEntryInflatingBeyondItsDeclaredSizeIsStoppedAtTheFirstByteTooMany() throws Exception {
        // report.html's headers keep the genuine size and CRC-32; its data inflates to 64 MiB of zeros
        Bomb bomb = Bomb.zeros(64L << 20);
        TestZip z = new TestZip();
        List<TestZip.Local> locals = new ArrayList<>();
        genuine.forEach((name, content) -> {
            if (name.equals(REPORT)) {
                TestZip.Local real = new TestZip.Local(REPORT, TestZip.DEFLATED, 0, crc(content), bomb.data().length, content.length, 0, 0, new byte[0]);
                locals.add(z.localRaw(real, bomb.data()));
            } else {
                locals.add(z.local(name, content));
            }
        });
        locals.forEach(z::central);
        Path file = Files.write(root.resolve("lying-size.zip"), z.finish());
        Read read = zipFile(file, REPORT);
        assertThat(read.content() == null || !java.util.Arrays.equals(read.content(), genuine.get(REPORT))).as("ZipFile: %s", read.failure()).isTrue();
        unzip(file, "-p", REPORT).ifPresent(u -> assertThat(u.out()).isNotEqualTo(genuine.get(REPORT)));
        Measured m = measure(() -> BundleVerifier.verify(file, BundleTrust.anchor(f.ca), BundleLimits.DEFAULTS));
        assertThat(m.result().problem()).get().asString()
                .isEqualTo("entry report.html: it inflates to more than the " + genuine.get(REPORT).length + " bytes its headers declare");
        assertThat(m.allocated()).isLessThan(8L << 20);
    }

    @Test
    void aTruncatedArchiveIsRefused() throws Exception {
        for (int keep : new int[] {genuineZip.length / 2, genuineZip.length - 10}) {
            Path file = Files.write(root.resolve("truncated-" + keep + ".zip"), java.util.Arrays.copyOf(genuineZip, keep));
            assertThat(zipFile(file, REPORT).failure()).as("ZipFile on %d bytes", keep).isNotNull();
            unzip(file, "-p", REPORT).ifPresent(u -> assertThat(u.exit()).as(u.err()).isNotZero());
            assertThat(problem(file)).isEqualTo("the file is not a ZIP archive or is truncated: it has no end-of-central-directory record");
        }
        // cut inside the data, with the central directory and end record kept: the entries no longer tile the file
        int cut = (int) (genuineZip.length - 22 - centralDirectorySize(genuineZip)) / 2;
        byte[] holed = concat(java.util.Arrays.copyOf(genuineZip, cut), java.util.Arrays.copyOfRange(genuineZip, cut + 100, genuineZip.length));
        Path file = Files.write(root.resolve("holed.zip"), holed);
        assertThat(zipFile(file, REPORT).failure()).isNotNull();
        long cdOffset = genuineZip.length - 22 - centralDirectorySize(genuineZip);
        assertThat(problem(file)).isEqualTo("the central directory (" + centralDirectorySize(genuineZip) + " bytes from byte " + cdOffset
                + ") runs past the end record at byte " + (holed.length - 22) + " (truncated or corrupt)");
    }

    /** ZIP features the bundle writer never uses, each refused by name (the tools' handling varies; the verifier's does not). */
    @Test
    void featuresTheWriterNeverUsesAreRefusedByName() throws Exception {
        byte[] content = genuine.get(REPORT);
        byte[] deflated = TestZip.deflate(content);
        Map<String, Supplier<byte[]>> cases = new LinkedHashMap<>();
        cases.put("entry report.html uses a data descriptor (flag bit 3)", () -> withReport(z -> z.local(REPORT, content, TestZip.DEFLATED, 0x0008, deflated)));
        cases.put("entry report.html is encrypted (flags 0x1)", () -> withReport(z -> z.local(REPORT, content, TestZip.DEFLATED, 0x0001, deflated)));
        cases.put("entry report.html uses compression method 12", () -> withReport(z -> z.local(REPORT, content, 12, 0, deflated)));
        cases.put("entry report.html has an extra field (20 bytes, ZIP64)", () -> withReport(z -> z.localRaw(new TestZip.Local(REPORT, TestZip.DEFLATED, 0,
                crc(content), deflated.length, content.length, 0, 20, zip64Extra(content.length, deflated.length)), deflated)));
        cases.put("entry report.html: its local header (byte ", () -> {
            TestZip z = new TestZip();
            List<TestZip.Local> locals = new ArrayList<>();
            genuine.forEach((name, c) -> locals.add(z.local(name, c)));
            locals.forEach(l -> z.central(l.name().equals(REPORT) ? l.withCrc(crc(FORGED_REPORT)) : l));
            return z.finish();
        });
        cases.put("the archive has a comment of 9 bytes after its end record", () -> {
            TestZip z = new TestZip();
            List<TestZip.Local> locals = new ArrayList<>();
            genuine.forEach((name, c) -> locals.add(z.local(name, c)));
            locals.forEach(z::central);
            return z.comment("unsigned!").finish();
        });
        cases.put("the archive has ZIP64 end records before its end record", () -> {
            TestZip z = new TestZip();
            List<TestZip.Local> locals = new ArrayList<>();
            genuine.forEach((name, c) -> locals.add(z.local(name, c)));
            locals.forEach(z::central);
            // a ZIP64 end record (56 bytes, signature PK 6 6) and its locator (20 bytes, PK 6 7) where ZIP64 puts them
            byte[] zip64 = new byte[76];
            zip64[0] = 'P';
            zip64[1] = 'K';
            zip64[2] = 6;
            zip64[3] = 6;
            zip64[56] = 'P';
            zip64[57] = 'K';
            zip64[58] = 6;
            zip64[59] = 7;
            return z.finish(zip64);
        });
        cases.put("entry evidence/ is a directory", () -> TestZip.canonical(TestZip.with(genuine, "evidence/", new byte[0])));
        cases.put("entry '../report.html' is not a plain relative path", () -> TestZip.canonical(TestZip.with(genuine, "../report.html", FORGED_REPORT)));
        cases.put("entry '/tmp/report.html' is not a plain relative path", () -> TestZip.canonical(TestZip.with(genuine, "/tmp/report.html", FORGED_REPORT)));
        cases.put("entries report.html and REPORT.HTML differ only in case", () -> TestZip.canonical(TestZip.with(genuine, "REPORT.HTML", FORGED_REPORT)));
        cases.put("central directory record " + (genuine.size() + 1) + " has a name with a byte 0xc3", () -> TestZip.canonical(TestZip.with(genuine,
                "évidence.xml", FORGED_EVIDENCE)));
        cases.put("entry evidence/link.xml is not marked as a plain file (made by host 3, attributes 0xa1ff0000)", () -> {
            TestZip z = new TestZip();
            List<TestZip.Local> locals = new ArrayList<>();
            genuine.forEach((name, c) -> locals.add(z.local(name, c)));
            TestZip.Local link = z.local("evidence/link.xml", "/etc/passwd".getBytes(StandardCharsets.US_ASCII));
            locals.forEach(z::central);
            return z.attributes(3, 0120777L << 16).central(link).finish();
        });
        for (Map.Entry<String, Supplier<byte[]>> c : cases.entrySet()) {
            Path file = Files.write(Files.createTempFile(root, "feature", ".zip"), c.getValue().get());
            assertThat(problem(file)).as(c.getKey()).startsWith(c.getKey());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The genuine archive with report.html's local entry written by {@code report} (its central record says the same). */
    private static byte[] withReport(java.util.function.Function<TestZip, TestZip.Local> report) {
        TestZip z = new TestZip();
        List<TestZip.Local> locals = new ArrayList<>();
        genuine.forEach((name, c) -> locals.add(name.equals(REPORT) ? report.apply(z) : z.local(name, c)));
        locals.forEach(z::central);
        return z.finish();
    }

    private static byte[] zip64Extra(long size, long compressed) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long v : new long[] {0x0001, 16}) {
            b.write((int) v);
            b.write((int) (v >>> 8));
        }
        for (long v : new long[] {size, compressed}) {
            for (int i = 0; i < 8; i++) {
                b.write((int) (v >>> (8 * i)));
            }
        }
        return b.toByteArray();
    }

    private static String problem(Path file) {
        BundleVerifier.Result r = BundleVerifier.verify(file, f.ca);
        assertThat(r.valid()).as("%s verified: %s", file.getFileName(), r.summary()).isFalse();
        return r.problem().orElseThrow();
    }

    record Read(byte[] content, String failure) {}

    /** What java.util.zip.ZipFile extracts for {@code name} (central directory first), or why it cannot. */
    private static Read zipFile(Path file, String name) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(name);
            if (e == null) {
                return new Read(null, "no entry " + name);
            }
            try (InputStream in = zip.getInputStream(e)) {
                return new Read(in.readNBytes(READ_LIMIT), null);
            }
        } catch (IOException | RuntimeException e) {
            return new Read(null, e.toString());
        }
    }

    /** The first {@code name} read in sequence from the local headers (java.util.zip.ZipInputStream, as verify-bundle used to). */
    private static byte[] sequential(Path file, String name) throws IOException {
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return zip.readNBytes(READ_LIMIT);
                }
            }
        }
        return null;
    }

    record Unzip(int exit, byte[] out, String err) {}

    /** {@code /usr/bin/unzip ARGS FILE [NAME]}: what it prints; empty when unzip is not installed (said loudly once). */
    private static Optional<Unzip> unzip(Path file, String option, String... names) throws IOException, InterruptedException {
        if (!Files.isExecutable(UNZIP)) {
            System.err.println("SKIPPED: unzip " + option + " " + file.getFileName() + " (" + UNZIP + " not installed)");
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of(UNZIP.toString(), option, file.toString()));
        command.addAll(List.of(names));
        Path err = Files.createTempFile(root, "unzip", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readNBytes(READ_LIMIT);
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("unzip finished").isTrue();
        return Optional.of(new Unzip(p.exitValue(), out, Files.readString(err, StandardCharsets.ISO_8859_1)));
    }

    record Measured(BundleVerifier.Result result, long allocated) {}

    /** The result, and the bytes the verifying thread allocated meanwhile (a bound on the memory it can have used). */
    private static Measured measure(Supplier<BundleVerifier.Result> verify) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        BundleVerifier.Result r = verify.get();
        return new Measured(r, threads.getThreadAllocatedBytes(id) - before);
    }

    /**
     * A deflate stream of {@code size} zero bytes (a multiple of 1 MiB), built in milliseconds: the first MiB, then the
     * second MiB's sync-flushed blocks (which only copy from the window of zeros, so they can be repeated), then the
     * final block.
     */
    record Bomb(long size, byte[] first, byte[] repeat, byte[] last, long crc, String sha256) {
        static Bomb zeros(long size) throws Exception {
            return zeros(size, false);
        }

        /** With {@code digest}, also the SHA-256 of the zeros (for a manifest listing them; seconds for 1.5 GiB). */
        static Bomb zeros(long size, boolean digest) throws Exception {
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            byte[] mib = new byte[1 << 20];
            byte[] first = flush(d, mib, Deflater.SYNC_FLUSH);
            byte[] repeat = flush(d, mib, Deflater.SYNC_FLUSH);
            d.finish();
            byte[] last = flush(d, new byte[0], Deflater.NO_FLUSH);
            d.end();
            CRC32 crc = new CRC32();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long done = 0; done < size; done += mib.length) {
                crc.update(mib);
                if (digest) {
                    sha.update(mib);
                }
            }
            return new Bomb(size, first, repeat, last, crc.getValue(), digest ? HexFormat.of().formatHex(sha.digest()) : null);
        }

        private static byte[] flush(Deflater d, byte[] input, int mode) {
            d.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            while (true) {
                int n = d.deflate(buf, 0, buf.length, mode);
                out.write(buf, 0, n);
                if (mode == Deflater.NO_FLUSH ? d.finished() : n < buf.length && d.needsInput()) {
                    return out.toByteArray();
                }
            }
        }

        long compressedSize() {
            return first.length + repeat.length * (size / (1 << 20) - 1) + last.length;
        }

        byte[] data() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(first);
            for (long i = 1; i < size / (1 << 20); i++) {
                b.writeBytes(repeat);
            }
            b.writeBytes(last);
            return b.toByteArray();
        }

        TestZip.Local writeTo(TestZip z, String name) {
            TestZip.Local l = z.localHeader(new TestZip.Local(name, TestZip.DEFLATED, 0, crc, compressedSize(), size, 0, 0, new byte[0]));
            z.raw(first);
            for (long i = 1; i < size / (1 << 20); i++) {
                z.raw(repeat);
            }
            z.raw(last);
            return l;
        }
    }

    // ------------------------------------------------------------------ small things

    private static int indexOf(List<TestZip.Local> locals, String name) {
        for (int i = 0; i < locals.size(); i++) {
            if (locals.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no entry " + name);
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long centralDirectorySize(byte[] zip) {
        int at = zip.length - 22 + 12;
        return (zip[at] & 0xFFL) | (zip[at + 1] & 0xFFL) << 8 | (zip[at + 2] & 0xFFL) << 16 | (zip[at + 3] & 0xFFL) << 24;
    }

    /** No local header of the archive has flag bit 3 (sizes after the data). */
    private static void assertNoDataDescriptors(byte[] zip) {
        for (int i = 0; i + 8 <= zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
                assertThat(zip[i + 6] & 0x08).as("flags of the local header at byte %d", i).isZero();
            }
        }
    }
}
