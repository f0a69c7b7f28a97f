package org.cmag.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * This gateway's own key pairs, by kind: signing keys and keys for receiving encrypted content (RSA for RSA-OAEP, EC
 * for ECDH-ES). Which kind is used towards a partner follows from the algorithms its agreement names. A kind may have
 * several signing keys (key rotation: overlapping certificates, keystore entries {@code signing-*}); the newest one
 * valid now signs ({@link #signer(SignatureAlgorithm, Instant)}).
 *
 * @param signing the main signing entry per kind (the kind's own alias, e.g. {@code signing-ec-p256}, else the first)
 * @param encryption the encryption entry per kind
 * @param signingKeys every signing entry, rotated ones included
 */
public record OwnKeys(Map<KeyType, Entry> signing, Map<KeyType, Entry> encryption, List<SigningKey> signingKeys) {

    /** One private key with its certificate, as found under {@code alias} in the keystore. */
    public record Entry(String alias, PrivateKey key, X509Certificate certificate) {
        public Entry {
            Objects.requireNonNull(alias, "alias");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(certificate, "certificate");
        }

        /** Never prints key material. */
        @Override
        public String toString() {
            return alias + "=" + certificate.getSubjectX500Principal().getName();
        }
    }

    public OwnKeys {
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(encryption, "encryption");
        if (signing.isEmpty() || encryption.isEmpty()) {
            throw new IllegalArgumentException("at least one signing and one encryption key are needed");
        }
        signing = Collections.unmodifiableMap(new EnumMap<>(signing));
        encryption = Collections.unmodifiableMap(new EnumMap<>(encryption));
        signingKeys = List.copyOf(signingKeys);
        if (signingKeys.isEmpty()) {
            signingKeys = signing.values().stream().map(e -> new SigningKey(e.alias(), e.key(), e.certificate())).toList();
        }
    }

    /** One signing key per kind, no rotation. */
    public OwnKeys(Map<KeyType, Entry> signing, Map<KeyType, Entry> encryption) {
        this(signing, encryption, List.of());
    }

    /** RSA signing and encryption keys only (the keystore layout before EC keys existed). */
    public OwnKeys(PrivateKey signingKey, X509Certificate signingCertificate, PrivateKey encryptionKey,
            X509Certificate encryptionCertificate) {
        this(Map.of(KeyType.RSA, new Entry(KeyStores.SIGNING_ALIAS, signingKey, signingCertificate)),
                Map.of(KeyType.RSA, new Entry(KeyStores.ENCRYPTION_ALIAS, encryptionKey, encryptionCertificate)));
    }

    /**
     * The key to sign with {@code algorithm} at {@code now}: of our signing keys of the kind it needs whose certificate
     * is valid now, the one with the latest notBefore (the newest).
     *
     * @throws GatewayException KEY_MATERIAL when we have no such key, or none valid now
     */
    public SigningKey signer(SignatureAlgorithm algorithm, Instant now) {
        KeyType kind = algorithm.keyType();
        List<SigningKey> ofKind = signingKeys.stream().filter(k -> KeyType.of(k.certificate().getPublicKey()).orElse(null) == kind).toList();
        if (ofKind.isEmpty()) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "No " + kind.label() + " signing key (keystore entry '"
                    + kind.signingAlias() + "') for " + algorithm.name() + "; have " + signing.keySet());
        }
        Date at = Date.from(now);
        return ofKind.stream()
                .filter(k -> !at.before(k.certificate().getNotBefore()) && !at.after(k.certificate().getNotAfter()))
                .max(Comparator.comparing((SigningKey k) -> k.certificate().getNotBefore()))
                .orElseThrow(() -> new GatewayException(ErrorCode.KEY_MATERIAL, "None of this gateway's " + ofKind.size() + " "
                        + kind.label() + " signing certificate(s) is valid at " + now + ": " + ofKind.stream()
                                .map(k -> k.alias() + " valid " + k.certificate().getNotBefore().toInstant() + " to "
                                        + k.certificate().getNotAfter().toInstant()).toList()));
    }

    /** The RSA key to sign with at {@code now} (the default profile's kind); see {@link #signer(SignatureAlgorithm, Instant)}. */
    public SigningKey signer(Instant now) {
        return signer(SignatureAlgorithm.RSA_SHA256, now);
    }

    /** Our key for receiving content keys sent with {@code transport}; KEY_MATERIAL when we have none. */
    public Entry decryptionFor(KeyTransportAlgorithm transport) {
        for (KeyType type : transport.keyTypes()) {
            Entry e = encryption.get(type);
            if (e != null) {
                return e;
            }
        }
        throw new GatewayException(ErrorCode.KEY_MATERIAL, "No " + KeyType.labels(transport.keyTypes())
                + " encryption key (keystore entry '" + transport.keyTypes().get(0).encryptionAlias().orElseThrow()
                + "') for " + transport.name() + "; have " + encryption.keySet());
    }

    /** The RSA signing key (the {@value KeyStores#SIGNING_ALIAS} entry). */
    public PrivateKey signingKey() {
        return rsa(signing, "signing").key();
    }

    public X509Certificate signingCertificate() {
        return rsa(signing, "signing").certificate();
    }

    /** The RSA encryption key (the {@value KeyStores#ENCRYPTION_ALIAS} entry). */
    public PrivateKey encryptionKey() {
        return rsa(encryption, "encryption").key();
    }

    public X509Certificate encryptionCertificate() {
        return rsa(encryption, "encryption").certificate();
    }

    public Optional<Entry> signing(KeyType type) {
        return Optional.ofNullable(signing.get(type));
    }

    public Optional<Entry> encryption(KeyType type) {
        return Optional.ofNullable(encryption.get(type));
    }

    private static Entry rsa(Map<KeyType, Entry> entries, String role) {
        Entry e = entries.get(KeyType.RSA);
        if (e == null) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "No RSA " + role + " key; have " + entries.keySet());
        }
        return e;
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "OwnKeys[signing=" + signing.values() + ", encryption=" + encryption.values() + "]";
    }
}
