package org.cmag.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * This gateway's own key pairs, by kind: signing keys (one per {@link KeyType}) and keys for receiving
 * encrypted content (RSA for RSA-OAEP, EC for ECDH-ES). Which one is used towards a partner follows from the
 * algorithms its agreement names.
 */
public record OwnKeys(Map<KeyType, Entry> signing, Map<KeyType, Entry> encryption) {

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
    }

    /** RSA signing and encryption keys only (the keystore layout before EC keys existed). */
    public OwnKeys(PrivateKey signingKey, X509Certificate signingCertificate, PrivateKey encryptionKey,
            X509Certificate encryptionCertificate) {
        this(Map.of(KeyType.RSA, new Entry(KeyStores.SIGNING_ALIAS, signingKey, signingCertificate)),
                Map.of(KeyType.RSA, new Entry(KeyStores.ENCRYPTION_ALIAS, encryptionKey, encryptionCertificate)));
    }

    /** Our key for signing with {@code algorithm}; KEY_MATERIAL naming the keystore alias when we have none. */
    public Entry signingFor(SignatureAlgorithm algorithm) {
        Entry e = signing.get(algorithm.keyType());
        if (e == null) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "No " + algorithm.keyType().label() + " signing key (keystore entry '"
                    + algorithm.keyType().signingAlias() + "') for " + algorithm.name() + "; have " + signing.keySet());
        }
        return e;
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
