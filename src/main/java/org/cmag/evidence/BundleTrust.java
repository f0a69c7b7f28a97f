package org.cmag.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.cmag.audit.AuditChain;

/**
 * Who may sign the evidence of which administration: the binding between the gateway id a bundle names
 * ({@code manifest.json gatewayId}, also in its checkpoint) and the certificate that signed it. Two forms:
 * <ul>
 *   <li><b>Certificates</b> (the strong form): the verifier is given the administration's signing certificates, for one
 *       gateway ({@link #certificates}, {@code --gateway ID --gateway-certificate PEM}) or as a trust list mapping gateway
 *       ids to certificates ({@link #trustList}, {@code --trust-list FILE}). The signer must be one of the certificates
 *       listed for the gateway the bundle names, valid when the bundle was created; with a trust anchor as well, it must
 *       also chain to it. A certificate of another administration is refused whoever issued it.</li>
 *   <li><b>Trust anchor alone</b> ({@link #anchor}, {@code --trust-anchor PEM}): the signer must chain to the anchor
 *       (as of the bundle's creation) <em>and</em> name the gateway id in its subject's common name, as a word of its own
 *       (the development PKI issues {@code CN=CMAG DE signing} to DE). This is only as strong as the CA's naming:
 *       it refuses another administration's certificate under the same CA, but trusts the CA not to issue a certificate
 *       naming DE to anyone but DE.</li>
 * </ul>
 * In both forms the certificate must allow signatures (key usage digitalSignature or nonRepudiation, when present), and
 * an expected gateway id ({@link #expecting}) may be required of the bundle.
 */
public final class BundleTrust {
    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    private static final Pattern WORD_SEPARATOR = Pattern.compile("[^A-Za-z0-9_-]+");
    private static final Pattern FINGERPRINT = Pattern.compile("sha256:([0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){31})");

    private final X509Certificate anchor;
    /** Gateway id to the SHA-256 fingerprints (lower-case hex) of its certificates; null for the trust-anchor form. */
    private final Map<String, Set<String>> pinned;
    private final String source;
    private final String expectedGateway;

    private BundleTrust(X509Certificate anchor, Map<String, Set<String>> pinned, String source, String expectedGateway) {
        if (anchor == null && pinned == null) {
            throw new IllegalArgumentException("a trust anchor or certificates are needed");
        }
        this.anchor = anchor;
        this.pinned = pinned;
        this.source = source;
        this.expectedGateway = expectedGateway;
    }

    /** The weaker form: chains to {@code anchor} and names the bundle's gateway id in its common name. */
    public static BundleTrust anchor(X509Certificate anchor) {
        return new BundleTrust(Objects.requireNonNull(anchor, "anchor"), null, "the trust anchor", null);
    }

    /**
     * The strong form for one administration: the bundle must name {@code gatewayId} and be signed with one of
     * {@code certificates}; with {@code anchor} (may be null) the signer must also chain to it.
     */
    public static BundleTrust certificates(String gatewayId, Collection<X509Certificate> certificates, X509Certificate anchor) {
        String id = validId(gatewayId);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate given for gateway " + id);
        }
        Set<String> fingerprints = new LinkedHashSet<>();
        certificates.forEach(c -> fingerprints.add(fingerprint(c)));
        return new BundleTrust(anchor, Map.of(id, fingerprints), "the certificates given for gateway " + id, id);
    }

    /**
     * The strong form for any administration of a trust list: a text file of lines {@code GATEWAY-ID CERTIFICATE}, where
     * CERTIFICATE is a PEM or DER file (path relative to the list; every certificate in it counts) or
     * {@code sha256:HEX} (the SHA-256 fingerprint of a certificate's DER encoding, colons allowed); {@code #} starts a
     * comment; a gateway may have several lines (key rotation). With {@code anchor} (may be null) the signer must also
     * chain to it.
     *
     * @throws IllegalArgumentException naming the file and line of what cannot be read
     */
    public static BundleTrust trustList(Path file, X509Certificate anchor) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("trust list " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, Set<String>> pinned = new LinkedHashMap<>();
        Path dir = file.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "trust list " + file + " line " + (i + 1);
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !GATEWAY_ID.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + ": expected 'GATEWAY-ID CERTIFICATE-FILE' or 'GATEWAY-ID sha256:HEX', not '" + line + "'");
            }
            Set<String> fingerprints = pinned.computeIfAbsent(parts[0], k -> new LinkedHashSet<>());
            if (parts[1].toLowerCase(Locale.ROOT).startsWith("sha256:")) {
                if (!FINGERPRINT.matcher(parts[1]).matches()) {
                    throw new IllegalArgumentException(where + ": " + parts[1] + " is not a SHA-256 fingerprint (64 hex digits)");
                }
                fingerprints.add(parts[1].substring(7).replace(":", "").toLowerCase(Locale.ROOT));
            } else {
                Path pem = dir.resolve(parts[1]);
                try {
                    BundleFormat.certificates(Files.readAllBytes(pem)).forEach(c -> fingerprints.add(fingerprint(c)));
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    throw new IllegalArgumentException(where + ": " + pem + " holds no readable certificate");
                }
            }
        }
        if (pinned.isEmpty()) {
            throw new IllegalArgumentException("trust list " + file + " names no gateway");
        }
        return new BundleTrust(anchor, Map.copyOf(pinned), "the trust list " + file.getFileName(), null);
    }

    /** The same, and the bundle must name {@code gatewayId}. */
    public BundleTrust expecting(String gatewayId) {
        return new BundleTrust(anchor, pinned, source, validId(gatewayId));
    }

    /** Whether this is the strong form (certificates given), rather than the trust anchor and the certificate's name. */
    public boolean pinsCertificates() {
        return pinned != null;
    }

    /**
     * Why {@code signer} (leaf first, then any intermediates) may not sign evidence of gateway {@code gatewayId} in a
     * bundle created at {@code at}; empty when it may.
     */
    Optional<String> problem(String gatewayId, List<X509Certificate> signer, Instant at) {
        if (expectedGateway != null && !expectedGateway.equals(gatewayId)) {
            return Optional.of("the bundle is evidence of gateway " + gatewayId + ", not of gateway " + expectedGateway + " as expected");
        }
        List<X509Certificate> path = anchor == null ? signer : signer.stream().filter(c -> !c.equals(anchor)).toList();
        if (path.isEmpty()) {
            return Optional.of(BundleFormat.SIGNER + " holds only the trust anchor, not the gateway's certificate");
        }
        X509Certificate leaf = path.get(0);
        String subject = leaf.getSubjectX500Principal().getName();
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && !(usage[0] || usage.length > 1 && usage[1])) {
            return Optional.of("the signer's certificate " + subject + " does not allow signatures (key usage)");
        }
        if (pinned != null) {
            Set<String> allowed = pinned.get(gatewayId);
            if (allowed == null) {
                return Optional.of(source + " names no certificate for gateway " + gatewayId + ", the gateway the bundle names");
            }
            if (!allowed.contains(fingerprint(leaf))) {
                return Optional.of("the signer's certificate " + subject + " (SHA-256 " + fingerprint(leaf) + ") is not one of gateway " + gatewayId
                        + "'s certificates in " + source + ": the bundle names " + gatewayId + " but another key signed it");
            }
            if (at.isBefore(leaf.getNotBefore().toInstant()) || at.isAfter(leaf.getNotAfter().toInstant())) {
                return Optional.of("the signer's certificate " + subject + " was not valid when the bundle was created (" + at + ")");
            }
        }
        if (anchor != null) {
            Optional<String> chain = chainProblem(path, at);
            if (chain.isPresent()) {
                return chain;
            }
        }
        if (pinned == null && !namesGateway(leaf, gatewayId)) {
            return Optional.of("the signer's certificate " + subject + " chains to the trust anchor but does not name gateway " + gatewayId
                    + " (the gateway the bundle names) in its common name: it is another administration's certificate; give gateway "
                    + gatewayId + "'s certificates with --gateway-certificate or --trust-list");
        }
        return Optional.empty();
    }

    /** How the signer was bound to the gateway, for the verification summary. */
    String describe(String gatewayId) {
        return pinned != null ? "one of gateway " + gatewayId + "'s certificates in " + source + (anchor == null ? "" : ", chaining to the trust anchor")
                : "chains to the trust anchor and names gateway " + gatewayId + " (name binding; --gateway-certificate or --trust-list pin the"
                        + " administration's certificates)";
    }

    private Optional<String> chainProblem(List<X509Certificate> path, Instant at) {
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false); // offline: the bundle is checked as of its creation time
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of("the signer's certificate " + path.get(0).getSubjectX500Principal().getName() + " does not chain to the trust anchor "
                    + anchor.getSubjectX500Principal().getName() + ": " + e.getMessage());
        }
    }

    /** Whether a common name of the subject holds {@code gatewayId} as a word (separated by anything but letters, digits, '_', '-'). */
    static boolean namesGateway(X509Certificate certificate, String gatewayId) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    for (String word : WORD_SEPARATOR.split(String.valueOf(rdn.getValue()))) {
                        if (word.equals(gatewayId)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        } catch (InvalidNameException e) {
            return false;
        }
    }

    private static String fingerprint(X509Certificate c) {
        try {
            return AuditChain.sha256Hex(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + c.getSubjectX500Principal().getName() + " cannot be encoded");
        }
    }

    private static String validId(String gatewayId) {
        if (gatewayId == null || !GATEWAY_ID.matcher(gatewayId).matches()) {
            throw new IllegalArgumentException("not a gateway id: '" + gatewayId + "'");
        }
        return gatewayId;
    }
}
