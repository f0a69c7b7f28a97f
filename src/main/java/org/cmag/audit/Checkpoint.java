package org.cmag.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A signed statement of the audit chain's head: "at {@code createdAt}, gateway {@code gatewayId}'s chain ended with
 * record {@code headSeq} hashing to {@code headHash}". Signed with the gateway's own signing key; optionally
 * time-stamped (RFC 3161) by a time-stamp authority. Anyone holding the gateway's certificate can check it offline, so
 * removing records from the tail, or replacing the whole chain, is detectable up to the last checkpoint.
 *
 * <p>The signed bytes ({@link #signedBytes()}) are UTF-8 {@code "cmag-audit-checkpoint/1\n" + gatewayId + "\n" +
 * headSeq + "\n" + headHash + "\n" + createdAt (ISO-8601, milliseconds, UTC) + "\n"}. The signature algorithm follows
 * the key: {@code SHA256withRSA}, {@code SHA256withECDSA} or {@code Ed25519}. A time-stamp token, when present, is
 * over SHA-256 of the signature value.
 *
 * @param timeStampToken DER RFC 3161 TimeStampToken, or null
 */
public record Checkpoint(String gatewayId, long headSeq, String headHash, Instant createdAt, String signatureAlgorithm,
        byte[] signature, X509Certificate certificate, byte[] timeStampToken) {
    public static final String FORMAT = "cmag-audit-checkpoint/1";

    public Checkpoint {
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** What the signature covers. */
    public byte[] signedBytes() {
        return signedBytes(gatewayId, headSeq, headHash, createdAt);
    }

    static byte[] signedBytes(String gatewayId, long headSeq, String headHash, Instant createdAt) {
        return (FORMAT + "\n" + gatewayId + "\n" + headSeq + "\n" + headHash + "\n" + createdAt.truncatedTo(ChronoUnit.MILLIS) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Signs the head with {@code key}; {@code certificate} is the key's (kept with the checkpoint). No time-stamp. */
    public static Checkpoint sign(String gatewayId, long headSeq, String headHash, Instant createdAt, PrivateKey key,
            X509Certificate certificate) {
        String algorithm = algorithmFor(key.getAlgorithm());
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(signedBytes(gatewayId, headSeq, headHash, createdAt));
            return new Checkpoint(gatewayId, headSeq, headHash, createdAt, algorithm, s.sign(), certificate, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign the audit checkpoint with a " + key.getAlgorithm() + " key", e);
        }
    }

    /** The same checkpoint with a time-stamp token. */
    public Checkpoint withTimeStamp(byte[] token) {
        return new Checkpoint(gatewayId, headSeq, headHash, createdAt, signatureAlgorithm, signature, certificate, token);
    }

    /** Whether the signature verifies with the certificate's public key (whose certificate it is is the caller's check). */
    public boolean signatureValid() {
        if (!signatureAlgorithm.equals(algorithmFor(certificate.getPublicKey().getAlgorithm()))) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(signatureAlgorithm);
            s.initVerify(certificate.getPublicKey());
            s.update(signedBytes());
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The signature algorithm used with a key of this algorithm ({@code RSA}, {@code EC}, {@code Ed25519}). */
    public static String algorithmFor(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("No checkpoint signature algorithm for " + keyAlgorithm + " keys");
        };
    }
}
