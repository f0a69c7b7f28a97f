package org.cmag.crypto;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Collection;
import java.util.Optional;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The kinds of asymmetric key the gateway signs, verifies, encrypts to and decrypts with. Closed: RSA below
 * {@value #MIN_RSA_BITS} bits, DSA, and EC curves other than P-256 and P-384 are not representable, so a key of
 * such a kind is never used (it is reported as unsupported).
 *
 * <p>Each kind has fixed keystore aliases ({@code signing[-suffix]}, {@code encryption[-suffix]}) and, in the
 * development PKI, matching certificate files ({@code <ID>-signing[-suffix].crt}).
 */
public enum KeyType {
    RSA("RSA", "", true, null),
    EC_P256("EC P-256", "-ec-p256", true, "1.2.840.10045.3.1.7"),
    EC_P384("EC P-384", "-ec-p384", true, "1.3.132.0.34"),
    ED25519("Ed25519", "-ed25519", false, null);

    /** The smallest RSA modulus accepted anywhere. */
    public static final int MIN_RSA_BITS = 2048;

    private static final ECParameterSpec P256 = curve("secp256r1");
    private static final ECParameterSpec P384 = curve("secp384r1");

    private final String label;
    private final String aliasSuffix;
    private final boolean canEncrypt;
    private final String curveOid;

    KeyType(String label, String aliasSuffix, boolean canEncrypt, String curveOid) {
        this.label = label;
        this.aliasSuffix = aliasSuffix;
        this.canEncrypt = canEncrypt;
        this.curveOid = curveOid;
    }

    /** The named curve's object identifier for the EC kinds (as in {@code dsig11:NamedCurve URI="urn:oid:..."}). */
    public Optional<String> curveOid() {
        return Optional.ofNullable(curveOid);
    }

    /** The curve parameters of the EC kinds. */
    Optional<ECParameterSpec> curve() {
        return Optional.ofNullable(this == EC_P256 ? P256 : this == EC_P384 ? P384 : null);
    }

    /** Human-readable name, e.g. {@code EC P-256}. */
    public String label() {
        return label;
    }

    /** Keystore alias of our signing key of this kind: {@code signing}, {@code signing-ec-p256}, ... */
    public String signingAlias() {
        return KeyStores.SIGNING_ALIAS + aliasSuffix;
    }

    /** Keystore alias of our encryption key of this kind; empty for kinds that cannot receive encrypted keys. */
    public Optional<String> encryptionAlias() {
        return canEncrypt ? Optional.of(KeyStores.ENCRYPTION_ALIAS + aliasSuffix) : Optional.empty();
    }

    /** Whether content keys can be transported to / agreed with a key of this kind (RSA-OAEP, ECDH-ES). */
    public boolean canEncrypt() {
        return canEncrypt;
    }

    /** The kind of {@code key} (public or private), empty when it is not a supported kind. */
    public static Optional<KeyType> of(Key key) {
        if (key instanceof RSAKey rsa && "RSA".equalsIgnoreCase(key.getAlgorithm())) {
            return rsa.getModulus().bitLength() >= MIN_RSA_BITS ? Optional.of(RSA) : Optional.empty();
        }
        if (key instanceof ECKey ec) {
            if (sameCurve(ec.getParams(), P256)) {
                return Optional.of(EC_P256);
            }
            if (sameCurve(ec.getParams(), P384)) {
                return Optional.of(EC_P384);
            }
            return Optional.empty();
        }
        if (key instanceof EdECKey ed && NamedParameterSpec.ED25519.getName().equalsIgnoreCase(ed.getParams().getName())) {
            return Optional.of(ED25519);
        }
        return Optional.empty();
    }

    /** A short description of any key for error messages, e.g. {@code RSA-1024} or {@code EC P-256}; never key material. */
    public static String describe(Key key) {
        if (key instanceof RSAKey rsa) {
            return key.getAlgorithm() + "-" + rsa.getModulus().bitLength();
        }
        Optional<KeyType> type = of(key);
        if (type.isPresent()) {
            return type.get().label;
        }
        if (key instanceof ECKey ec) {
            return "EC (" + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve other than P-256/P-384)";
        }
        if (key instanceof EdECKey ed) {
            return ed.getParams().getName();
        }
        return key.getAlgorithm();
    }

    /**
     * Throws {@link ErrorCode#KEY_MATERIAL} unless {@code key} is of one of the {@code accepted} kinds.
     *
     * @param what names the key in the message, e.g. "signing key"
     */
    public static KeyType require(Key key, Collection<KeyType> accepted, String what) {
        Optional<KeyType> type = of(key);
        if (type.isEmpty() || !accepted.contains(type.get())) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "The " + what + " is a " + describe(key)
                    + " key; " + labels(accepted) + " is required");
        }
        return type.get();
    }

    static String labels(Collection<KeyType> types) {
        return String.join(" or ", types.stream().map(KeyType::label).toList());
    }

    /** A fresh key pair of this kind (development PKI, tests). */
    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator;
            switch (this) {
                case RSA -> {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(MIN_RSA_BITS, random);
                }
                case EC_P256, EC_P384 -> {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(this == EC_P256 ? "secp256r1" : "secp384r1"), random);
                }
                case ED25519 -> generator = KeyPairGenerator.getInstance("Ed25519");
                default -> throw new IllegalStateException(name());
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, label + " key generation is not available in this Java runtime: "
                    + e.getMessage(), null, e);
        }
    }

    private static ECParameterSpec curve(String name) {
        try {
            java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError("Curve " + name + " is not available: " + e);
        }
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a != null && a.getCurve().equals(b.getCurve()) && a.getOrder().equals(b.getOrder())
                && a.getGenerator().equals(b.getGenerator()) && a.getCofactor() == b.getCofactor();
    }
}
