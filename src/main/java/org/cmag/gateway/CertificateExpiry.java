package org.cmag.gateway;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.SigningKey;

/**
 * Certificates that expire within the configured number of days ({@code gateway.pki.expiry-warning-days}), or have
 * expired: logged at start-up and reported by {@code /health}. Warnings leave the gateway UP; it is an error (health
 * DOWN) when none of our own signing certificates, or our encryption certificate, is valid now - nothing could be
 * signed, or partners could not encrypt to us.
 */
public final class CertificateExpiry {
    /** What {@link #check} found. */
    public record Report(List<String> warnings, List<String> errors) {
    }

    private CertificateExpiry() {
    }

    public static Report check(String ownId, KeyRing keys, Instant now, int days) {
        Instant horizon = now.plus(Duration.ofDays(days));
        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean anySigner = false;
        for (SigningKey k : keys.own().signingKeys()) {
            X509Certificate c = k.certificate();
            String what = "own (" + ownId + ") signing certificate '" + k.alias() + "'";
            if (valid(c, now)) {
                anySigner = true;
            }
            note(what, c, now, horizon, warnings);
        }
        if (!anySigner) {
            errors.add("no own (" + ownId + ") signing certificate is valid now: nothing can be signed (" + keys.own().signingKeys().size()
                    + " certificate(s), newest expires " + keys.own().signingKeys().stream().map(k -> k.certificate().getNotAfter().toInstant())
                            .max(Instant::compareTo).orElseThrow() + ")");
        }
        X509Certificate enc = keys.own().encryptionCertificate();
        if (!valid(enc, now)) {
            errors.add("own (" + ownId + ") encryption certificate " + describe(enc) + " is not valid now: partners cannot encrypt to us");
        } else {
            note("own (" + ownId + ") encryption certificate", enc, now, horizon, warnings);
        }
        for (Map.Entry<String, PartnerCertificates> e : new java.util.TreeMap<>(keys.partners()).entrySet()) {
            PartnerCertificates p = e.getValue();
            Set<X509Certificate> seen = new LinkedHashSet<>();
            for (X509Certificate c : p.signingCertificates()) {
                note("partner " + e.getKey() + " signing certificate", c, now, horizon, warnings);
                seen.add(c);
            }
            for (X509Certificate c : p.encryptionCertificates()) {
                note("partner " + e.getKey() + " encryption certificate", c, now, horizon, warnings);
                seen.add(c);
            }
            for (X509Certificate c : seen) {
                List<X509Certificate> chain = p.chain(c);
                for (int i = 1; i < chain.size(); i++) {
                    note("partner " + e.getKey() + " CA certificate", chain.get(i), now, horizon, warnings);
                }
            }
            if (p.signingCertificates().stream().noneMatch(c -> valid(c, now))) {
                warnings.add("partner " + e.getKey() + " has no signing certificate valid now: its messages are rejected");
            }
            if (p.encryptionCertificates().stream().noneMatch(c -> valid(c, now))) {
                warnings.add("partner " + e.getKey() + " has no encryption certificate valid now: nothing can be sent to it");
            }
        }
        return new Report(List.copyOf(new LinkedHashSet<>(warnings)), List.copyOf(errors));
    }

    private static void note(String what, X509Certificate c, Instant now, Instant horizon, List<String> warnings) {
        Instant notAfter = c.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            warnings.add(what + " " + describe(c) + " expired at " + notAfter);
        } else if (!horizon.isBefore(notAfter)) {
            warnings.add(what + " " + describe(c) + " expires at " + notAfter + ", in " + Duration.between(now, notAfter).toDays() + " day(s)");
        }
    }

    private static boolean valid(X509Certificate c, Instant now) {
        return !now.isBefore(c.getNotBefore().toInstant()) && !now.isAfter(c.getNotAfter().toInstant());
    }

    private static String describe(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "' (serial " + c.getSerialNumber().toString(16) + ")";
    }
}
