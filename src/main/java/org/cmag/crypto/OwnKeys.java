package org.cmag.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * This gateway's own key pairs: one for receiving encrypted content, and one or more for signing. With several
 * signing keys (key rotation: overlapping certificates), {@link #signer(Instant)} picks the newest one valid now.
 *
 * @param signingKey the key of the {@code signing} entry
 * @param signingCertificate its certificate
 * @param signingKeys every signing key, including the {@code signing} entry
 */
public record OwnKeys(
        PrivateKey signingKey,
        X509Certificate signingCertificate,
        PrivateKey encryptionKey,
        X509Certificate encryptionCertificate,
        List<SigningKey> signingKeys) {

    public OwnKeys {
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
        signingKeys = List.copyOf(signingKeys);
        if (signingKeys.isEmpty()) {
            signingKeys = List.of(new SigningKey("signing", signingKey, signingCertificate));
        }
    }

    /** One signing key. */
    public OwnKeys(PrivateKey signingKey, X509Certificate signingCertificate, PrivateKey encryptionKey,
            X509Certificate encryptionCertificate) {
        this(signingKey, signingCertificate, encryptionKey, encryptionCertificate, List.of());
    }

    /**
     * The signing key to use at {@code now}: of the keys whose certificate is valid now, the one with the latest
     * notBefore (the newest).
     *
     * @throws GatewayException KEY_MATERIAL when no signing certificate is valid now
     */
    public SigningKey signer(Instant now) {
        Date at = Date.from(now);
        return signingKeys.stream()
                .filter(k -> !at.before(k.certificate().getNotBefore()) && !at.after(k.certificate().getNotAfter()))
                .max(Comparator.comparing((SigningKey k) -> k.certificate().getNotBefore()))
                .orElseThrow(() -> new GatewayException(ErrorCode.KEY_MATERIAL, "None of this gateway's " + signingKeys.size()
                        + " signing certificate(s) is valid at " + now + ": " + signingKeys.stream()
                                .map(k -> k.alias() + " valid " + k.certificate().getNotBefore().toInstant() + " to "
                                        + k.certificate().getNotAfter().toInstant()).toList()));
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "OwnKeys[signing=" + signingKeys.stream().map(k -> k.certificate().getSubjectX500Principal().getName()).toList()
                + ", encryption=" + encryptionCertificate.getSubjectX500Principal().getName() + "]";
    }
}
