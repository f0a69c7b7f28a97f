package org.cmag.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry warnings and errors over real development certificates at chosen instants. */
class CertificateExpiryTest {
    @TempDir
    Path pki;

    @Test
    void warnsWithinTheHorizonAndMakesAnExpiredOwnSigningCertificateAnError() {
        DevPki dev = new DevPki(pki, java.time.Clock.systemUTC(), "changeit".toCharArray());
        dev.ensure(java.util.List.of("NL", "DE"));
        OwnKeys nl = dev.loadOwn("NL");
        PartnerCertificates de = dev.loadPartner("DE");
        KeyRing keys = new KeyRing(nl, Map.of("DE", de));
        Instant notAfter = nl.signingCertificate().getNotAfter().toInstant();

        CertificateExpiry.Report now = CertificateExpiry.check("NL", keys, Instant.now(), 30);
        assertThat(now.warnings()).isEmpty();
        assertThat(now.errors()).isEmpty();

        CertificateExpiry.Report soon = CertificateExpiry.check("NL", keys, notAfter.minus(Duration.ofDays(10)), 30);
        assertThat(soon.errors()).isEmpty();
        assertThat(soon.warnings()).anySatisfy(w -> assertThat(w).startsWith("own (NL) signing certificate 'signing' 'CN=CMAG NL signing")
                .endsWith("in 10 day(s)"));
        assertThat(soon.warnings()).anySatisfy(w -> assertThat(w).startsWith("partner DE signing certificate 'CN=CMAG DE signing"));

        CertificateExpiry.Report after = CertificateExpiry.check("NL", keys, notAfter.plus(Duration.ofDays(1)), 30);
        assertThat(after.errors()).anySatisfy(e -> assertThat(e).startsWith("no own (NL) signing certificate is valid now: nothing can be signed"));
        assertThat(after.warnings()).contains("partner DE has no signing certificate valid now: its messages are rejected");
    }
}
