package org.cmag.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation status of a certificate at use time: OCSP where the agreement configures a responder, CRLs from the
 * agreement's files in the PKI directory and from the certificate's own CRL distribution points ({@code file:},
 * {@code http:}, {@code https:}). Every answer is cached: a CRL until its nextUpdate, re-read at most every
 * {@code recheck} (so a CRL published early is picked up); an OCSP answer until its nextUpdate or {@code recheck}.
 * A CRL or OCSP answer counts only when its signature verifies with the certificate's issuer (or, for OCSP, a
 * responder certificate the issuer delegated with id-kp-OCSPSigning).
 *
 * <p>No fresh answer (source unreachable, CRL past nextUpdate, wrong signature): {@code revocation_unavailable}, or -
 * when the agreement says {@code onUnavailable: accept-with-warning} - the certificate is used and the listener told
 * (the gateway logs and audits it). Build once per gateway; thread-safe.
 */
public final class RevocationChecker {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationChecker.class);
    private static final int MAX_BYTES = 16 * 1024 * 1024;

    /** Told when a certificate is used without a revocation answer (onUnavailable: accept-with-warning). */
    public interface SoftFailListener {
        void accepted(String partnerId, X509Certificate certificate, String reason);
    }

    private final Path pki;
    private final Clock clock;
    private final Duration timeout;
    private final Duration recheck;
    private final SoftFailListener listener;
    private final HttpClient http;
    private final ConcurrentMap<String, CachedCrl> crls = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CachedOcsp> ocsp = new ConcurrentHashMap<>();

    public RevocationChecker(Path pki, Clock clock, Duration timeout, Duration recheck, SoftFailListener listener) {
        this.pki = Objects.requireNonNull(pki, "pki");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.recheck = Objects.requireNonNull(recheck, "recheck");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Checks that {@code cert}, issued by {@code issuer}, is not revoked now.
     *
     * @throws GatewayException CERTIFICATE_REVOKED, or REVOCATION_UNAVAILABLE (unless the settings accept with warning)
     */
    public void check(String partnerId, X509Certificate cert, X509Certificate issuer, RevocationSettings settings) {
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        URI responder = responder(cert, settings);
        if (responder != null) {
            OcspAnswer answer = ocspAnswer(responder, cert, issuer, now);
            if (answer.revokedAt != null && !answer.revokedAt.isAfter(now)) {
                throw revoked(partnerId, cert, answer.revokedAt, "OCSP responder " + responder);
            }
            if (answer.good) {
                return;
            }
            problems.add("OCSP " + responder + ": " + answer.problem);
        } else if (settings.ocsp() != null) {
            problems.add("OCSP: the certificate names no OCSP responder (authority information access)");
        }
        boolean fresh = false;
        for (String source : crlSources(cert, settings)) {
            CachedCrl entry = crl(source, now);
            if (entry.crl == null) {
                problems.add("CRL " + source + ": " + entry.problem);
                continue;
            }
            X509CRL crl = entry.crl;
            if (!crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())) {
                continue; // a configured CRL of another issuer
            }
            if (!entry.verifiedWith(issuer.getPublicKey())) {
                problems.add("CRL " + source + ": its signature does not verify with the issuer " + issuer.getSubjectX500Principal().getName());
                continue;
            }
            if (crl.getThisUpdate().toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
                problems.add("CRL " + source + ": thisUpdate " + crl.getThisUpdate().toInstant() + " is in the future");
                continue;
            }
            if (crl.getNextUpdate() != null && now.isAfter(crl.getNextUpdate().toInstant())) {
                problems.add("CRL " + source + " is stale: its nextUpdate " + crl.getNextUpdate().toInstant() + " has passed");
                continue;
            }
            X509CRLEntry revokedEntry = crl.getRevokedCertificate(cert);
            if (revokedEntry != null && !revokedEntry.getRevocationDate().toInstant().isAfter(now)) {
                throw revoked(partnerId, cert, revokedEntry.getRevocationDate().toInstant(), "CRL " + source);
            }
            fresh = true;
        }
        if (fresh) {
            return;
        }
        if (problems.isEmpty()) {
            problems.add("no CRL of the issuer " + cert.getIssuerX500Principal().getName() + " among the configured sources");
        }
        String reason = String.join("; ", problems);
        if (settings.onUnavailable() == RevocationSettings.OnUnavailable.ACCEPT_WITH_WARNING) {
            LOG.warn("Revocation status of {} certificate {} (serial {}) unavailable, accepted with warning: {}", partnerId,
                    cert.getSubjectX500Principal().getName(), cert.getSerialNumber().toString(16), reason);
            listener.accepted(partnerId, cert, reason);
            return;
        }
        throw new GatewayException(ErrorCode.REVOCATION_UNAVAILABLE, "The revocation status of " + partnerId + "'s certificate '"
                + cert.getSubjectX500Principal().getName() + "' (serial " + cert.getSerialNumber().toString(16)
                + ") cannot be established: " + reason);
    }

    /** Whether {@code cert} has any revocation source under {@code settings} (checked at start-up). */
    public static boolean hasSource(X509Certificate cert, RevocationSettings settings, List<X509CRL> configuredCrls) {
        if (settings.ocsp() != null && (settings.ocsp() != RevocationSettings.OCSP_FROM_AIA || ocspFromAia(cert) != null)) {
            return true;
        }
        if (settings.distributionPoints() && !distributionPoints(cert).isEmpty()) {
            return true;
        }
        return configuredCrls.stream().anyMatch(c -> c.getIssuerX500Principal().equals(cert.getIssuerX500Principal()));
    }

    /** Reads a CRL file (PEM or DER). */
    public static X509CRL readCrl(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
    }

    private static GatewayException revoked(String partnerId, X509Certificate cert, Instant at, String source) {
        return new GatewayException(ErrorCode.CERTIFICATE_REVOKED, partnerId + "'s certificate '" + cert.getSubjectX500Principal().getName()
                + "' (serial " + cert.getSerialNumber().toString(16) + ") was revoked at " + at + " (" + source + ")");
    }

    // ---------------------------------------------------------------------------------------------- CRLs

    private List<String> crlSources(X509Certificate cert, RevocationSettings settings) {
        List<String> sources = new ArrayList<>();
        for (String f : settings.crlFiles()) {
            sources.add(pki.resolve(f).toUri().toString());
        }
        if (settings.distributionPoints()) {
            for (URI uri : distributionPoints(cert)) {
                if (!sources.contains(uri.toString())) {
                    sources.add(uri.toString());
                }
            }
        }
        return sources;
    }

    /** The {@code file:}, {@code http:} and {@code https:} URIs of the certificate's CRL distribution points. */
    public static List<URI> distributionPoints(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (ext == null) {
            return List.of();
        }
        List<URI> out = new ArrayList<>();
        try {
            ASN1Primitive value = JcaX509ExtensionUtils.parseExtensionValue(ext);
            for (DistributionPoint dp : CRLDistPoint.getInstance(value).getDistributionPoints()) {
                DistributionPointName name = dp.getDistributionPoint();
                if (name == null || name.getType() != DistributionPointName.FULL_NAME) {
                    continue;
                }
                for (GeneralName g : GeneralNames.getInstance(name.getName()).getNames()) {
                    if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        URI uri = URI.create(g.getName().toString());
                        if (Set.of("file", "http", "https").contains(String.valueOf(uri.getScheme()))) {
                            out.add(uri);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Unreadable CRL distribution points in {}: {}", cert.getSubjectX500Principal().getName(), e.getMessage());
        }
        return out;
    }

    private CachedCrl crl(String source, Instant now) {
        return crls.compute(source, (s, old) -> {
            if (old != null && !old.due(now, recheck)) {
                return old;
            }
            try {
                URI uri = URI.create(s);
                if ("file".equals(uri.getScheme())) {
                    Path file = Path.of(uri);
                    FileTime mtime = Files.getLastModifiedTime(file);
                    if (old != null && old.crl != null && mtime.equals(old.mtime) && !old.expired(now)) {
                        return new CachedCrl(old.crl, now, mtime, null, old.verified);
                    }
                    return new CachedCrl(readCrl(file), now, mtime, null, ConcurrentHashMap.newKeySet());
                }
                byte[] body = fetch(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
                X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(body));
                return new CachedCrl(crl, now, null, null, ConcurrentHashMap.newKeySet());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                String problem = e instanceof java.nio.file.NoSuchFileException ? "the file does not exist"
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (old != null && old.crl != null && !old.expired(now)) {
                    LOG.warn("CRL {} could not be refreshed ({}); the cached one is still current", s, problem);
                    return new CachedCrl(old.crl, now, old.mtime, null, old.verified);
                }
                return new CachedCrl(null, now, null, problem, ConcurrentHashMap.newKeySet());
            }
        });
    }

    private byte[] fetch(HttpRequest request) throws IOException {
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IOException("HTTP " + r.statusCode());
                }
                byte[] body = in.readNBytes(MAX_BYTES + 1);
                if (body.length > MAX_BYTES) {
                    throw new IOException("larger than " + MAX_BYTES + " bytes");
                }
                return body;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static final class CachedCrl {
        final X509CRL crl;
        final Instant loadedAt;
        final FileTime mtime;
        final String problem;
        final Set<PublicKey> verified;

        CachedCrl(X509CRL crl, Instant loadedAt, FileTime mtime, String problem, Set<PublicKey> verified) {
            this.crl = crl;
            this.loadedAt = loadedAt;
            this.mtime = mtime;
            this.problem = problem;
            this.verified = verified;
        }

        boolean expired(Instant now) {
            return crl.getNextUpdate() != null && now.isAfter(crl.getNextUpdate().toInstant());
        }

        boolean due(Instant now, Duration recheck) {
            return !now.isBefore(loadedAt.plus(recheck)) || now.isBefore(loadedAt) || (crl != null && expired(now));
        }

        boolean verifiedWith(PublicKey key) {
            if (verified.contains(key)) {
                return true;
            }
            try {
                crl.verify(key);
                verified.add(key);
                return true;
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- OCSP

    private static URI responder(X509Certificate cert, RevocationSettings settings) {
        if (settings.ocsp() == null) {
            return null;
        }
        return settings.ocsp() == RevocationSettings.OCSP_FROM_AIA ? ocspFromAia(cert) : settings.ocsp();
    }

    /** The http(s) OCSP responder named by the certificate's authority information access, or null. */
    public static URI ocspFromAia(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return null;
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext));
            for (AccessDescription d : aia.getAccessDescriptions()) {
                if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    URI uri = URI.create(d.getAccessLocation().getName().toString());
                    if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
                        return uri;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Unreadable authority information access in {}: {}", cert.getSubjectX500Principal().getName(), e.getMessage());
        }
        return null;
    }

    private OcspAnswer ocspAnswer(URI responder, X509Certificate cert, X509Certificate issuer, Instant now) {
        String key = responder + "#" + issuer.getSubjectX500Principal().getName() + "#" + cert.getSerialNumber();
        CachedOcsp cached = ocsp.get(key);
        if (cached != null && !now.isBefore(cached.loadedAt) && now.isBefore(cached.validUntil)) {
            return cached.answer;
        }
        OcspAnswer answer;
        Instant validUntil = now.plus(recheck);
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
            OCSPReq request = new OCSPReqBuilder().addRequest(id).build();
            byte[] body = fetch(HttpRequest.newBuilder(responder).timeout(timeout).header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build());
            OCSPResp response = new OCSPResp(body);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                return new OcspAnswer(false, null, "the responder answered with status " + response.getStatus());
            }
            BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
            if (basic == null || !signedByIssuerOrDelegate(basic, issuer, now)) {
                return new OcspAnswer(false, null, "the response is not signed by the issuer or a responder it delegated");
            }
            SingleResp single = null;
            for (SingleResp s : basic.getResponses()) {
                if (s.getCertID().equals(id)) {
                    single = s;
                }
            }
            if (single == null) {
                return new OcspAnswer(false, null, "the response does not cover serial " + cert.getSerialNumber().toString(16));
            }
            if (single.getThisUpdate().toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
                return new OcspAnswer(false, null, "thisUpdate " + single.getThisUpdate().toInstant() + " is in the future");
            }
            if (single.getNextUpdate() != null) {
                if (now.isAfter(single.getNextUpdate().toInstant())) {
                    return new OcspAnswer(false, null, "the response is stale (nextUpdate " + single.getNextUpdate().toInstant() + ")");
                }
                if (single.getNextUpdate().toInstant().isBefore(validUntil)) {
                    validUntil = single.getNextUpdate().toInstant();
                }
            }
            CertificateStatus status = single.getCertStatus();
            if (status == CertificateStatus.GOOD) {
                answer = new OcspAnswer(true, null, null);
            } else if (status instanceof RevokedStatus r) {
                answer = new OcspAnswer(false, r.getRevocationTime().toInstant(), "revoked");
            } else {
                return new OcspAnswer(false, null, "the responder does not know the certificate");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException | org.bouncycastle.operator.OperatorCreationException
                | org.bouncycastle.cert.ocsp.OCSPException e) {
            return new OcspAnswer(false, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        ocsp.put(key, new CachedOcsp(answer, now, validUntil));
        return answer;
    }

    private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer, Instant now) {
        try {
            if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
                return true;
            }
        } catch (Exception e) {
            // try a delegated responder below
        }
        for (X509CertificateHolder holder : basic.getCerts()) {
            try {
                X509Certificate responder = new JcaX509CertificateConverter().getCertificate(holder);
                responder.verify(issuer.getPublicKey());
                responder.checkValidity(java.util.Date.from(now));
                List<String> eku = responder.getExtendedKeyUsage();
                if (eku != null && eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())
                        && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder.getPublicKey()))) {
                    return true;
                }
            } catch (Exception e) {
                // not a valid delegate
            }
        }
        return false;
    }

    private record OcspAnswer(boolean good, Instant revokedAt, String problem) {
    }

    private record CachedOcsp(OcspAnswer answer, Instant loadedAt, Instant validUntil) {
    }
}
