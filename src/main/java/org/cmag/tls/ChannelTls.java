package org.cmag.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.camel.support.jsse.CipherSuitesParameters;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.cmag.crypto.KeyStores;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;

/**
 * The TLS material of the partner channels, loaded and checked once at start-up: our TLS key and certificate (one
 * entry of a PKCS#12 keystore), and per partner its trust anchors ({@code security.trustAnchors}) and registered TLS
 * client certificate ({@code security.certificates.tls}).
 *
 * <p>It answers three questions: which client certificates the listeners accept in the handshake (any chaining to some
 * partner's anchors; the handshake also proves possession of the key), whether a message's sender may use the
 * connection it came on ({@link #checkClient}: the client certificate must be exactly the one registered for the sender,
 * and be within its validity), and how we connect to a partner (our certificate as client certificate, the partner's
 * server certificate verified against the partner's anchors only, with host name verification).
 *
 * <p>Only TLS 1.3 and 1.2 with forward-secret AEAD cipher suites are enabled, on every listener and connection; there
 * is no setting to widen this.
 */
public final class ChannelTls {
    /** The protocols enabled on listeners and outgoing connections. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The cipher suites enabled (TLS 1.3 suites, then ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2). */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** A partner's TLS trust: its anchors and, when registered, its TLS client certificate. */
    record PartnerTls(String partnerId, Partner.ChannelAuth auth, List<X509Certificate> anchors, X509Certificate clientCertificate,
            String clientFingerprint) {}

    private final KeyStore ownStore;
    private final char[] ownPassword;
    private final X509Certificate ownCertificate;
    private final Map<String, PartnerTls> partners;
    private final Map<String, String> partnerByFingerprint;
    private final X509TrustManager clientTrust;

    private ChannelTls(KeyStore ownStore, char[] ownPassword, X509Certificate ownCertificate, Map<String, PartnerTls> partners) {
        this.ownStore = ownStore;
        this.ownPassword = ownPassword;
        this.ownCertificate = ownCertificate;
        this.partners = Map.copyOf(partners);
        Map<String, String> byFingerprint = new HashMap<>();
        partners.values().stream().filter(p -> p.clientCertificate() != null)
                .forEach(p -> byFingerprint.put(p.clientFingerprint(), p.partnerId()));
        this.partnerByFingerprint = Map.copyOf(byFingerprint);
        List<X509Certificate> all = partners.values().stream().flatMap(p -> p.anchors().stream()).distinct().toList();
        this.clientTrust = all.isEmpty() ? null : trustManager(all);
    }

    /**
     * Loads the TLS material.
     *
     * @param keystore our TLS keystore (PKCS#12); null when no listener or partner connection uses TLS
     * @param alias the entry of our TLS key in it
     * @param pki the key ring directory holding the partners' certificates and anchors (by alias)
     * @param now the time at which the registered certificates must chain to their partner's anchors
     */
    public static ChannelTls load(Path keystore, char[] password, String alias, Path pki, Iterable<Partner> registered, Instant now) {
        KeyStore own = null;
        X509Certificate ownCertificate = null;
        if (keystore != null) {
            KeyStore full = loadPkcs12(keystore, password);
            try {
                Key key = full.getKey(alias, password);
                Certificate[] chain = full.getCertificateChain(alias);
                if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                    throw new GatewayException(ErrorCode.KEY_MATERIAL, "TLS keystore " + keystore + " has no private-key entry '" + alias
                            + "' (gateway.tls.key-alias)");
                }
                // a store with just this entry, so the key manager can present nothing else
                own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry(alias, privateKey, password, chain);
                ownCertificate = (X509Certificate) chain[0];
                ownCertificate.checkValidity(Date.from(now));
            } catch (GeneralSecurityException | IOException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "TLS key '" + alias + "' in " + keystore + " is not usable: " + e.getMessage(),
                        null, e);
            }
        }
        Map<String, PartnerTls> partners = new LinkedHashMap<>();
        for (Partner p : registered) {
            if (p.trustAnchors().isEmpty()) {
                if (p.restEndpoint().startsWith("https://") || p.soapEndpoint().startsWith("https://")) {
                    // never the JVM's default trust store: a partner's server is trusted under its own anchors only
                    throw new GatewayException(ErrorCode.CONFIGURATION, p.source() + ": field security.trustAnchors is missing: the https endpoint "
                            + "of " + p.id() + " needs the CA certificate(s) its TLS certificates chain to, e.g. trustAnchors: [ca.crt]");
                }
                continue;
            }
            List<X509Certificate> anchors = new ArrayList<>();
            for (Partner.CertificateRef ref : p.trustAnchors()) {
                X509Certificate anchor = certificate(ref, pki);
                if (anchor.getBasicConstraints() < 0) {
                    throw ref.problem("names '" + ref.alias() + "' (" + anchor.getSubjectX500Principal().getName()
                            + "), which is not a CA certificate and cannot be a trust anchor");
                }
                anchors.add(anchor);
            }
            X509Certificate client = null;
            String fingerprint = null;
            if (p.tlsCertificate() != null) {
                client = certificate(p.tlsCertificate(), pki);
                try {
                    chain(client, anchors, now);
                } catch (GeneralSecurityException e) {
                    throw p.tlsCertificate().problem("names certificate '" + p.tlsCertificate().alias() + "' ("
                            + client.getSubjectX500Principal().getName() + "), which does not chain to the partner's trust anchors "
                            + p.trustAnchors().stream().map(Partner.CertificateRef::alias).toList() + ": " + e.getMessage());
                }
                if (!allowsClientAuth(client)) {
                    throw p.tlsCertificate().problem("names certificate '" + p.tlsCertificate().alias()
                            + "', whose extended key usage does not allow TLS client authentication");
                }
                fingerprint = org.cmag.gateway.KeyRing.sha256(client);
            }
            partners.put(p.id(), new PartnerTls(p.id(), p.channelAuth(), List.copyOf(anchors), client, fingerprint));
        }
        return new ChannelTls(own, password.clone(), ownCertificate, partners);
    }

    /** Whether our own TLS key is loaded (listeners over TLS, https partner endpoints). */
    public boolean hasOwnKey() {
        return ownStore != null;
    }

    /** Our TLS certificate; null without own key. */
    public X509Certificate ownCertificate() {
        return ownCertificate;
    }

    /** Whether some partner has trust anchors, so that listeners ask for client certificates. */
    public boolean requestsClientCertificates() {
        return clientTrust != null;
    }

    /**
     * Whether the connection a message came on may carry a message from {@code sender}. With {@code channel.auth}
     * {@code mtls} or {@code token+mtls} a client certificate is required, and it must be exactly the certificate
     * registered for the sender ({@code security.certificates.tls}) and valid at {@code now}. Without that requirement a
     * connection without client certificate is fine, but a client certificate registered for another partner is still
     * refused: a partner can only act as itself.
     *
     * @param presented the client certificate chain of the TLS connection (leaf first); empty or null when none
     * @throws GatewayException {@link ErrorCode#CLIENT_CERTIFICATE_MISSING} or {@link ErrorCode#CLIENT_CERTIFICATE_MISMATCH}
     */
    public void checkClient(Partner sender, X509Certificate[] presented, Instant now) {
        boolean required = sender.channelAuth().requiresClientCertificate();
        if (presented == null || presented.length == 0) {
            if (required) {
                throw new GatewayException(ErrorCode.CLIENT_CERTIFICATE_MISSING, "The agreement with " + sender.id() + " requires mutual TLS (channel.auth "
                        + sender.channelAuth().value() + "), but the connection presented no client certificate");
            }
            return;
        }
        X509Certificate leaf = presented[0];
        String fingerprint = org.cmag.gateway.KeyRing.sha256(leaf);
        String owner = partnerByFingerprint.get(fingerprint);
        if (owner != null && !owner.equals(sender.id())) {
            throw mismatch(sender, leaf, fingerprint, "belongs to partner " + owner);
        }
        if (!required) {
            return;
        }
        if (owner == null) {
            PartnerTls registered = partners.get(sender.id());
            throw mismatch(sender, leaf, fingerprint, "is not the TLS certificate registered for " + sender.id() + " ("
                    + registered.clientCertificate().getSubjectX500Principal().getName() + ", security.certificates.tls)");
        }
        try {
            leaf.checkValidity(Date.from(now));
        } catch (GeneralSecurityException e) {
            throw mismatch(sender, leaf, fingerprint, "is not valid at " + now + " (valid " + leaf.getNotBefore().toInstant() + " to "
                    + leaf.getNotAfter().toInstant() + ")");
        }
    }

    private static GatewayException mismatch(Partner sender, X509Certificate leaf, String fingerprint, String why) {
        return new GatewayException(ErrorCode.CLIENT_CERTIFICATE_MISMATCH, "The message's sender is " + sender.id() + ", but the client certificate ("
                + leaf.getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint + ") " + why, "/ExchangeMessage/Header/Sender/AuthorityID");
    }

    /** Key managers presenting our TLS certificate. */
    public KeyManager[] keyManagers() {
        requireOwnKey("a TLS listener or an https partner endpoint");
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ownStore, ownPassword);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "TLS key manager cannot be created: " + e.getMessage(), null, e);
        }
    }

    /** Our TLS key manager. */
    public X509KeyManager keyManager() {
        for (KeyManager km : keyManagers()) {
            if (km instanceof X509KeyManager x) {
                return x;
            }
        }
        throw new GatewayException(ErrorCode.KEY_MATERIAL, "No X.509 key manager for the TLS key");
    }

    /** The listeners' trust in client certificates: the union of all partners' trust anchors; null when there are none. */
    public X509TrustManager clientTrust() {
        return clientTrust;
    }

    /** The trust in {@code partnerId}'s server certificate: its anchors only. */
    public X509TrustManager serverTrust(String partnerId) {
        PartnerTls p = partners.get(partnerId);
        if (p == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Partner " + partnerId + " has an https endpoint but no security.trustAnchors");
        }
        return trustManager(p.anchors());
    }

    /** An SSL context for connections to {@code partnerId}: our client certificate, the partner's anchors. */
    public SSLContext clientContext(String partnerId) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(keyManagers(), new TrustManager[] {serverTrust(partnerId)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "TLS client context for " + partnerId + " cannot be created: " + e.getMessage(), null, e);
        }
    }

    /** Camel's TLS parameters for connections to {@code partnerId} (camel-http): see {@link #clientContext}. */
    public SSLContextParameters clientParameters(String partnerId) {
        KeyStoreParameters ks = new KeyStoreParameters();
        ks.setKeyStore(ownStore);
        KeyManagersParameters km = new KeyManagersParameters();
        km.setKeyStore(ks);
        km.setKeyPassword(new String(ownPassword));
        TrustManagersParameters tm = new TrustManagersParameters();
        tm.setTrustManager(serverTrust(partnerId));
        SSLContextParameters params = new SSLContextParameters();
        requireOwnKey("the https endpoint of partner " + partnerId);
        params.setKeyManagers(km);
        params.setTrustManagers(tm);
        params.setSecureSocketProtocol("TLSv1.3");
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(new ArrayList<>(PROTOCOLS));
        params.setSecureSocketProtocols(protocols);
        CipherSuitesParameters ciphers = new CipherSuitesParameters();
        ciphers.setCipherSuite(new ArrayList<>(CIPHER_SUITES));
        params.setCipherSuites(ciphers);
        return params;
    }

    /** The partners whose TLS trust is configured. */
    public Set<String> partnerIds() {
        return partners.keySet();
    }

    /** The registered TLS client certificate of a partner, if any. */
    public Optional<X509Certificate> registeredClientCertificate(String partnerId) {
        return Optional.ofNullable(partners.get(partnerId)).map(PartnerTls::clientCertificate);
    }

    private void requireOwnKey(String what) {
        if (ownStore == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "TLS is needed for " + what + ", but no TLS key is loaded (gateway.tls.keystore)");
        }
    }

    private static boolean allowsClientAuth(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            return eku == null || eku.contains("1.3.6.1.5.5.7.3.2") || eku.contains("2.5.29.37.0");
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** PKIX trust in exactly {@code anchors} (no revocation check here; dates and paths are checked). */
    static X509TrustManager trustManager(List<X509Certificate> anchors) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate a : anchors) {
                ks.setCertificateEntry("anchor-" + i++, a);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new GeneralSecurityException("no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "TLS trust manager cannot be created: " + e.getMessage(), null, e);
        }
    }

    private static void chain(X509Certificate cert, List<X509Certificate> anchors, Instant now) throws GeneralSecurityException {
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(cert);
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet()),
                target);
        params.setRevocationEnabled(false);
        params.setDate(Date.from(now));
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(cert))));
        CertPathBuilder.getInstance("PKIX").build(params);
    }

    private static X509Certificate certificate(Partner.CertificateRef ref, Path pki) {
        Path file = pki.resolve(ref.alias());
        if (!Files.isRegularFile(file)) {
            throw ref.problem("names certificate '" + ref.alias() + "', which is not in the key ring (" + pki + ")");
        }
        X509Certificate cert = KeyStores.readPem(file);
        if (ref.sha256() != null && !org.cmag.gateway.KeyRing.sha256(cert).equals(ref.sha256())) {
            throw ref.problem("pins SHA-256 " + ref.sha256() + " but certificate '" + ref.alias() + "' has "
                    + org.cmag.gateway.KeyRing.sha256(cert));
        }
        return cert;
    }

    private static KeyStore loadPkcs12(Path p12, char[] password) {
        if (!Files.isRegularFile(p12)) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "TLS keystore " + p12 + " does not exist (gateway.tls.keystore)");
        }
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "TLS keystore " + p12 + " cannot be read (wrong password or damaged file): "
                    + e.getMessage(), null, e);
        }
    }
}
