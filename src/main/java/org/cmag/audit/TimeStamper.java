package org.cmag.audit;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * RFC 3161 time-stamps of audit checkpoints: a request over SHA-256 of the checkpoint's signature value, sent to the
 * configured time-stamp authority; the response must be granted, answer this request (imprint, nonce) and carry a
 * token whose signature verifies with the TSA certificate it contains. Built once; thread-safe.
 */
public final class TimeStamper {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;

    public TimeStamper(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The DER time-stamp token over SHA-256 of {@code signature}; {@link ErrorCode#TIMESTAMP_UNAVAILABLE} on any failure. */
    public byte[] timeStamp(byte[] signature) {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        TimeStampRequest request = generator.generate(TSPAlgorithms.SHA256, sha256(signature), new BigInteger(64, RANDOM));
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/timestamp-query")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw unavailable("HTTP " + response.statusCode(), null);
            }
            TimeStampResponse tsr = new TimeStampResponse(response.body());
            tsr.validate(request);
            if (tsr.getTimeStampToken() == null) {
                throw unavailable("the request was refused (status " + tsr.getStatus() + ": " + tsr.getStatusString() + ")", null);
            }
            byte[] token = tsr.getTimeStampToken().getEncoded();
            Optional<String> problem = check(token, signature);
            if (problem.isPresent()) {
                throw unavailable(problem.get(), null);
            }
            return token;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        } catch (IOException | org.bouncycastle.tsp.TSPException | RuntimeException e) {
            if (e instanceof GatewayException g) {
                throw g;
            }
            throw unavailable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    private GatewayException unavailable(String why, Throwable cause) {
        return new GatewayException(ErrorCode.TIMESTAMP_UNAVAILABLE, "Time-stamp authority " + url + ": " + why, null, cause);
    }

    /**
     * Why {@code token} is not a valid time-stamp of {@code signature} (imprint is not SHA-256 of it, or the token's
     * signature does not verify with the TSA certificate it carries), or empty when it is. Whether that TSA is trusted
     * is the reader's judgement: the token names it.
     */
    public static Optional<String> check(byte[] token, byte[] signature) {
        try {
            TimeStampToken tst = new TimeStampToken(new CMSSignedData(token));
            if (!tst.getTimeStampInfo().getMessageImprintAlgOID().equals(TSPAlgorithms.SHA256)
                    || !Arrays.equals(tst.getTimeStampInfo().getMessageImprintDigest(), sha256(signature))) {
                return Optional.of("the time-stamp token is not over this checkpoint's signature");
            }
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> certs = tst.getCertificates().getMatches(tst.getSID());
            if (certs.isEmpty()) {
                return Optional.of("the time-stamp token carries no TSA certificate");
            }
            X509Certificate tsa = new JcaX509CertificateConverter().getCertificate(certs.iterator().next());
            tst.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("the time-stamp token does not verify: " + e.getMessage());
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
