package org.cmag.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.DevPki;

/** A development PKI in a directory plus helpers to issue test certificates and write agreement files. */
public final class PkiFixture {
    public static final char[] PASSWORD = "changeit".toCharArray();

    /** A clock the test sets. */
    public static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        public MovableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        public void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    public final Path pki;
    public final MovableClock clock;

    public PkiFixture(Path pki, MovableClock clock, String... ids) {
        this.pki = pki;
        this.clock = clock;
        new DevPki(pki, clock, PASSWORD).ensure(List.of(ids));
    }

    public DevCertificates.Issued ca() {
        return DevCertificates.devCa(pki, PASSWORD);
    }

    /** Issues a certificate from the development CA valid from now+{@code from} to now+{@code to}, written as {@code alias}. */
    public DevCertificates.Issued issue(String alias, String cn, DevCertificates.Usage usage, Duration from, Duration to) {
        Instant now = clock.instant();
        DevCertificates.Issued issued = DevCertificates.issue(ca(),
                DevCertificates.Spec.of("CN=" + cn + ", O=CMAG test, C=XX", usage, now.plus(from), now.plus(to)));
        DevCertificates.writeCertificate(pki.resolve(alias), issued.certificate());
        return issued;
    }

    /** A packaged agreement file. */
    public static String packaged(String id) {
        try (InputStream in = PkiFixture.class.getClassLoader().getResourceAsStream("policies/partners/" + id + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The packaged agreement of {@code id} with its whole {@code security.certificates} ... {@code revocation} block
     * replaced by {@code block} (indented by two spaces, each line ending with a newline).
     */
    public static String withSecurity(String id, String block) {
        String yaml = packaged(id);
        int start = yaml.indexOf("  # Certificates by alias");
        int end = yaml.indexOf("handling:\n");
        if (start < 0 || end < start) {
            throw new AssertionError("the packaged " + id + ".yaml changed shape");
        }
        return yaml.substring(0, start) + block + yaml.substring(end);
    }

    /** Writes DE.yaml and NL.yaml into {@code dir}/policies and returns that directory. */
    public static Path policies(Path dir, String de, String nl) {
        try {
            Path p = Files.createDirectories(dir.resolve("policies"));
            Files.writeString(p.resolve("DE.yaml"), de);
            Files.writeString(p.resolve("NL.yaml"), nl);
            return p;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The 1-based line of the first line of {@code file} containing {@code text}. */
    public static int lineOf(Path file, String text) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError(text + " not in " + file);
    }
}
