package org.cmag.crypto;

import java.util.List;
import java.util.Optional;

/**
 * How the content-encryption key reaches the recipient: RSA-OAEP key transport to the recipient's RSA
 * certificate, or ECDH-ES key agreement with the recipient's EC certificate followed by AES key wrap.
 * RSA 1.5, OAEP with a SHA-1 digest, and key derivation with SHA-1 are not representable.
 * <ul>
 *   <li>{@link #RSA_OAEP_MGF1P}: {@code xmlenc#rsa-oaep-mgf1p}, OAEP digest SHA-256, mask generation
 *       MGF1 with SHA-1 (fixed by that algorithm identifier; no {@code xenc11:MGF} element).</li>
 *   <li>{@link #RSA_OAEP_11}: {@code xmlenc11#rsa-oaep}, OAEP digest SHA-256, MGF1 with SHA-256.</li>
 *   <li>{@link #ECDH_ES_KW_AES128} / {@link #ECDH_ES_KW_AES256}: an {@code xenc:AgreementMethod}
 *       {@code xenc11#ECDH-ES} (ephemeral originator key on the recipient's curve, P-256 or P-384), key
 *       derivation {@code xenc11#ConcatKDF} with SHA-256, and the content key wrapped with
 *       {@code xmlenc#kw-aes128} / {@code kw-aes256} under the derived key.</li>
 * </ul>
 */
public enum KeyTransportAlgorithm {
    RSA_OAEP_MGF1P("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", DigestAlgorithm.SHA256.uri(), null, 0,
            List.of(KeyType.RSA)),
    RSA_OAEP_11("http://www.w3.org/2009/xmlenc11#rsa-oaep", DigestAlgorithm.SHA256.uri(),
            "http://www.w3.org/2009/xmlenc11#mgf1sha256", 0, List.of(KeyType.RSA)),
    ECDH_ES_KW_AES128("http://www.w3.org/2001/04/xmlenc#kw-aes128", DigestAlgorithm.SHA256.uri(), null, 128,
            List.of(KeyType.EC_P256, KeyType.EC_P384)),
    ECDH_ES_KW_AES256("http://www.w3.org/2001/04/xmlenc#kw-aes256", DigestAlgorithm.SHA256.uri(), null, 256,
            List.of(KeyType.EC_P256, KeyType.EC_P384));

    /** {@code xenc:AgreementMethod/@Algorithm} of the key-agreement variants. */
    public static final String ECDH_ES = "http://www.w3.org/2009/xmlenc11#ECDH-ES";
    /** {@code xenc11:KeyDerivationMethod/@Algorithm} of the key-agreement variants. */
    public static final String CONCAT_KDF = "http://www.w3.org/2009/xmlenc11#ConcatKDF";

    private final String uri;
    private final String digestUri;
    private final String mgfUri;
    private final int wrapKeyBits;
    private final List<KeyType> keyTypes;

    KeyTransportAlgorithm(String uri, String digestUri, String mgfUri, int wrapKeyBits, List<KeyType> keyTypes) {
        this.uri = uri;
        this.digestUri = digestUri;
        this.mgfUri = mgfUri;
        this.wrapKeyBits = wrapKeyBits;
        this.keyTypes = keyTypes;
    }

    /** {@code xenc:EncryptedKey/xenc:EncryptionMethod/@Algorithm}: the OAEP variant, or the AES key wrap. */
    public String uri() {
        return uri;
    }

    /**
     * For RSA-OAEP the OAEP digest ({@code ds:DigestMethod} inside the EncryptionMethod); for ECDH-ES the
     * ConcatKDF digest ({@code xenc11:ConcatKDFParams/ds:DigestMethod}).
     */
    public String digestUri() {
        return digestUri;
    }

    /** The {@code xenc11:MGF} algorithm, empty when the transport identifier fixes it (mgf1p) or for ECDH-ES. */
    public Optional<String> mgfUri() {
        return Optional.ofNullable(mgfUri);
    }

    /** Whether this is ECDH-ES key agreement (else RSA-OAEP key transport). */
    public boolean isKeyAgreement() {
        return wrapKeyBits > 0;
    }

    /** Length of the derived key-encryption key for ECDH-ES (0 for RSA-OAEP). */
    public int wrapKeyBits() {
        return wrapKeyBits;
    }

    /** The kinds of recipient key this works with, in order of preference for our own decryption key. */
    public List<KeyType> keyTypes() {
        return keyTypes;
    }

    public static Optional<KeyTransportAlgorithm> fromUri(String uri) {
        for (KeyTransportAlgorithm a : values()) {
            if (a.uri.equals(uri)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
