package org.cmag.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Certificate path building (PKIX) from a certificate to one of a partner's trust anchors, through intermediate CA
 * certificates found in the PKI directory. Done once per certificate at start-up; what changes with time (dates,
 * revocation) is checked at use by {@link CertificateValidator}.
 */
public final class CertificateChains {
    private CertificateChains() {
    }

    /**
     * The path from {@code target} to one of {@code anchors}: target first, anchor last. Dates are checked at an
     * instant inside the target's own validity (the one nearest {@code now}), so an expired or future certificate
     * still gets its chain checked here; revocation is not checked here.
     *
     * @throws GeneralSecurityException when no path to any anchor can be built (unknown issuer, bad signature,
     *         a CA that is not a CA, ...)
     */
    public static List<X509Certificate> build(X509Certificate target, Collection<X509Certificate> anchors,
            Collection<X509Certificate> intermediates, Instant now) throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new GeneralSecurityException("no trust anchor");
        }
        for (X509Certificate anchor : anchors) {
            if (anchor.equals(target)) {
                return List.of(target);
            }
        }
        Set<TrustAnchor> trust = new HashSet<>();
        for (X509Certificate anchor : anchors) {
            trust.add(new TrustAnchor(anchor, null));
        }
        X509CertSelector selector = new X509CertSelector();
        selector.setCertificate(target);
        PKIXBuilderParameters params = new PKIXBuilderParameters(trust, selector);
        params.setRevocationEnabled(false);
        List<X509Certificate> store = new ArrayList<>(intermediates);
        store.add(target);
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
        Instant at = now;
        if (at.isBefore(target.getNotBefore().toInstant())) {
            at = target.getNotBefore().toInstant();
        } else if (at.isAfter(target.getNotAfter().toInstant())) {
            at = target.getNotAfter().toInstant();
        }
        params.setDate(Date.from(at));
        PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        List<X509Certificate> path = new ArrayList<>();
        for (Certificate c : result.getCertPath().getCertificates()) {
            path.add((X509Certificate) c);
        }
        path.add(result.getTrustAnchor().getTrustedCert());
        return List.copyOf(path);
    }

    /** The innermost message of a path-building failure, for one-line errors. */
    public static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * The CA certificates (basic constraints CA) among the certificate files of {@code dir} ({@code *.crt},
     * {@code *.pem}, {@code *.cer}, {@code *.der}); files that are not certificates are skipped.
     */
    public static List<X509Certificate> caCertificatesIn(Path dir) {
        List<X509Certificate> out = new ArrayList<>();
        for (Path file : certificateFiles(dir)) {
            X509Certificate c = readQuietly(file);
            if (c != null && c.getBasicConstraints() >= 0) {
                out.add(c);
            }
        }
        return out;
    }

    /** The certificate files of {@code dir}, sorted by name. */
    public static List<Path> certificateFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                return n.endsWith(".crt") || n.endsWith(".pem") || n.endsWith(".cer") || n.endsWith(".der");
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The certificate in {@code file}, or null when it holds none. */
    public static X509Certificate readQuietly(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in) instanceof X509Certificate x ? x : null;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code c} is self-issued and its signature verifies with its own key. */
    public static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
