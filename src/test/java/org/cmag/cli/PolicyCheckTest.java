package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.cmag.crypto.DevPki;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy check}: expiry warnings on a fixed clock, and the certificate check when given a key ring directory. */
class PolicyCheckTest {
    private static final Clock TODAY = Clock.fixed(Instant.parse("2026-03-10T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static String packaged(String id) throws IOException {
        try (InputStream in = PolicyCheckTest.class.getClassLoader().getResourceAsStream("policies/partners/" + id + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String check(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = new PolicyCommand(new PrintStream(buf, true, StandardCharsets.UTF_8), TODAY).run(args);
        assertThat(exit).isZero();
        return buf.toString(StandardCharsets.UTF_8);
    }

    private Path policies(String de, String nl) throws IOException {
        Path p = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(p.resolve("DE.yaml"), de);
        Files.writeString(p.resolve("NL.yaml"), nl);
        return p;
    }

    @Test
    void warnsAboutAnAgreementExpiringWithin30DaysOrExpiredAndNotAboutOthers() throws IOException {
        Path p = policies(packaged("DE").replace("  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: 2026-04-09\n"),
                packaged("NL").replace("  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: 2026-03-09\n"));
        String out = check("check", p.toString());
        assertThat(out).contains("warn " + p.resolve("DE.yaml") + "  agreement EU-515-97-DE expires on 2026-04-09, in 30 day(s)")
                .contains("warn " + p.resolve("NL.yaml") + "  agreement EU-515-97-NL expired on 2026-03-09")
                .contains("(valid from 2024-01-01 until 2026-04-09)")
                .contains("2 agreement(s) valid; certificates not checked (no --certificates)");

        Path later = policies(packaged("DE").replace("  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: 2026-04-10\n"),
                packaged("NL"));
        assertThat(check("check", later.toString())).doesNotContain("warn ");
    }

    @Test
    void withACertificatesDirectoryChecksAliasesAndPins() throws IOException {
        Path pki = dir.resolve("pki");
        new DevPki(pki, Clock.systemUTC(), "changeit".toCharArray()).ensure(List.of("NL", "DE"));
        Path ok = policies(packaged("DE"), packaged("NL"));
        assertThat(check("check", ok.toString(), "--certificates", pki.toString())).contains("certificates found and matching in " + pki);

        Path pinned = policies(packaged("DE").replace("    signing: DE-signing.crt\n", "    signing: { alias: DE-signing.crt, sha256: "
                + "ab".repeat(32) + " }\n"), packaged("NL"));
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> new PolicyCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), TODAY)
                        .run(new String[] {"check", pinned.toString(), "--certificates", pki.toString()}));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.detail()).startsWith(pinned.resolve("DE.yaml") + ":").contains(": field security.certificates.signing pins SHA-256 "
                + "ab".repeat(32) + " but certificate 'DE-signing.crt'");
        assertThat(check("check", pinned.toString())).as("offline without certificates: syntax only").contains("2 agreement(s) valid");
    }
}
