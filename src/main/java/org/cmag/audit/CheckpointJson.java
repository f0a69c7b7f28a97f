package org.cmag.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * A signed {@link Checkpoint} as JSON, the form it takes outside the database (the audit anchor file, an evidence
 * bundle's {@code audit/checkpoint.json}): {@code format} ({@value Checkpoint#FORMAT}), {@code gatewayId},
 * {@code headSeq}, {@code headHash}, {@code createdAt} (ISO-8601 UTC), {@code signatureAlgorithm}, {@code signature}
 * and {@code certificate} (base64 DER), and {@code timeStampToken} (base64 DER) when there is one. Reading is strict:
 * anything missing or malformed is an {@link IllegalArgumentException} naming the field; whether the signature
 * verifies is the reader's next check.
 */
public final class CheckpointJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointJson() {}

    public static ObjectNode toJson(Checkpoint c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", Checkpoint.FORMAT);
        n.put("gatewayId", c.gatewayId());
        n.put("headSeq", c.headSeq());
        n.put("headHash", c.headHash());
        n.put("createdAt", c.createdAt().toString());
        n.put("signatureAlgorithm", c.signatureAlgorithm());
        n.put("signature", Base64.getEncoder().encodeToString(c.signature()));
        try {
            n.put("certificate", Base64.getEncoder().encodeToString(c.certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        if (c.timeStampToken() != null) {
            n.put("timeStampToken", Base64.getEncoder().encodeToString(c.timeStampToken()));
        }
        return n;
    }

    /** The JSON text (pretty-printed, ending in a line feed). */
    public static byte[] bytes(Checkpoint c) {
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(c)) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON text; {@link IllegalArgumentException} naming what is wrong. */
    public static Checkpoint parse(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("it is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("it is not JSON (" + e.getMessage() + ")");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        return fromJson(n);
    }

    /** The checkpoint of a JSON object; {@link IllegalArgumentException} naming the missing or malformed field. */
    public static Checkpoint fromJson(JsonNode n) {
        if (!Checkpoint.FORMAT.equals(text(n, "format"))) {
            throw new IllegalArgumentException("field format is not " + Checkpoint.FORMAT);
        }
        JsonNode seq = n.get("headSeq");
        if (seq == null || !seq.canConvertToExactIntegral() || !seq.canConvertToLong() || seq.asLong() < 1) {
            throw new IllegalArgumentException("field headSeq is missing or not a record number");
        }
        Instant createdAt;
        try {
            createdAt = Instant.parse(text(n, "createdAt"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field createdAt is not an ISO-8601 instant");
        }
        String tst = n.hasNonNull("timeStampToken") ? text(n, "timeStampToken") : null;
        return new Checkpoint(text(n, "gatewayId"), seq.asLong(), text(n, "headHash"), createdAt, text(n, "signatureAlgorithm"),
                base64(n, "signature"), certificate(base64(n, "certificate")), tst == null ? null : base64(n, "timeStampToken"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field " + field + " is missing or not text");
        }
        return v.asText();
    }

    private static byte[] base64(JsonNode n, String field) {
        String value = text(n, field);
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + field + " is not base64");
        }
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("field certificate is not an X.509 certificate");
        }
    }
}
