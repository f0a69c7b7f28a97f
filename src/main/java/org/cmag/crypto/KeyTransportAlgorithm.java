package org.cmag.crypto;

import java.util.Optional;

/**
 * RSA-OAEP key transport variants for the content-encryption key. The OAEP digest is always SHA-256;
 * RSA 1.5 is not representable.
 * <ul>
 *   <li>{@link #RSA_OAEP_MGF1P}: {@code xmlenc#rsa-oaep-mgf1p}, OAEP digest SHA-256, mask generation
 *       MGF1 with SHA-1 (fixed by that algorithm identifier; no {@code xenc11:MGF} element).</li>
 *   <li>{@link #RSA_OAEP_11}: {@code xmlenc11#rsa-oaep}, OAEP digest SHA-256, MGF1 with SHA-256.</li>
 * </ul>
 */
public enum KeyTransportAlgorithm {
    RSA_OAEP_MGF1P("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", DigestAlgorithm.SHA256.uri(), null),
    RSA_OAEP_11("http://www.w3.org/2009/xmlenc11#rsa-oaep", DigestAlgorithm.SHA256.uri(),
            "http://www.w3.org/2009/xmlenc11#mgf1sha256");

    private final String uri;
    private final String digestUri;
    private final String mgfUri;

    KeyTransportAlgorithm(String uri, String digestUri, String mgfUri) {
        this.uri = uri;
        this.digestUri = digestUri;
        this.mgfUri = mgfUri;
    }

    public String uri() {
        return uri;
    }

    /** The OAEP digest ({@code ds:DigestMethod} inside the {@code xenc:EncryptionMethod}). */
    public String digestUri() {
        return digestUri;
    }

    /** The {@code xenc11:MGF} algorithm, empty when the transport identifier fixes it (mgf1p). */
    public Optional<String> mgfUri() {
        return Optional.ofNullable(mgfUri);
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
