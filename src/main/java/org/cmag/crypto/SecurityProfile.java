package org.cmag.crypto;

import java.util.Objects;

/**
 * The algorithms used towards one partner. On sending these are the algorithms produced; on receipt the
 * profile is an exact allow-list: every algorithm found in the message must equal the profile's (and
 * canonicalization must be exclusive c14n without comments).
 */
public record SecurityProfile(
        SignatureAlgorithm signature,
        DigestAlgorithm digest,
        ContentEncryptionAlgorithm content,
        KeyTransportAlgorithm keyTransport) {

    public static final SecurityProfile DEFAULT = new SecurityProfile(
            SignatureAlgorithm.RSA_SHA256,
            DigestAlgorithm.SHA256,
            ContentEncryptionAlgorithm.AES256_GCM,
            KeyTransportAlgorithm.RSA_OAEP_MGF1P);

    public SecurityProfile {
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(keyTransport, "keyTransport");
    }
}
