package org.cmag.policy;

import java.util.List;
import java.util.Set;
import org.cmag.crypto.SecurityProfile;

/**
 * A partner administration and the agreement under which we exchange with it, compiled from its file
 * under {@code policies/partners/}.
 *
 * @param policyDigest SHA-256 (hex) of the agreement file, stamped into every message's PolicyRef
 * @param validFrom first day (UTC) the agreement is in force
 * @param validUntil last day (UTC) the agreement is in force; null when open-ended
 * @param outboundMessageTypes exchange message types (header codes, e.g. ASSISTANCE_REQUEST) we may send to the partner
 * @param inboundMessageTypes exchange message types we accept from the partner
 * @param signingCertificates the partner's signing certificates (several during a key rotation)
 * @param encryptionCertificates the partner's encryption certificates (several during a key rotation)
 * @param trustAnchors the CA certificates every partner certificate must chain to
 * @param revocation how the partner's certificates are checked for revocation
 * @param channelAuth how the partner authenticates on our partner channels ({@code channel.auth})
 * @param tlsCertificate the partner's TLS client certificate ({@code security.certificates.tls}); null when not registered
 */
public record Partner(
        String id,
        String name,
        String country,
        String agreementId,
        String agreementVersion,
        java.time.LocalDate validFrom,
        java.time.LocalDate validUntil,
        Set<String> outboundMessageTypes,
        Set<String> inboundMessageTypes,
        String policyDigest,
        String source,
        List<Instrument> instruments,
        Set<String> requestTypes,
        int retentionYears,
        java.util.Map<String, java.time.Period> deadlines,
        int reminderPercent,
        java.util.Map<String, String> purposes,
        FieldPolicy fieldRules,
        FreeTextGuard.Action freeText,
        Channel channel,
        String restEndpoint,
        String soapEndpoint,
        SecurityProfile security,
        List<CertificateRef> signingCertificates,
        List<CertificateRef> encryptionCertificates,
        List<CertificateRef> trustAnchors,
        org.cmag.crypto.RevocationSettings revocation,
        Handling handling,
        ChannelAuth channelAuth,
        CertificateRef tlsCertificate) {

    /**
     * {@code channel.auth}: what a partner must show on our partner channels besides the signed message. {@code token}
     * is a bearer token of the partner's identity provider, {@code mtls} a TLS client certificate that belongs to the
     * partner.
     */
    public enum ChannelAuth {
        NONE("none"),
        TOKEN("token"),
        MTLS("mtls"),
        TOKEN_AND_MTLS("token+mtls");

        private final String value;

        ChannelAuth(String value) {
            this.value = value;
        }

        /** The agreement file's spelling, e.g. {@code token+mtls}. */
        public String value() {
            return value;
        }

        /** Whether a TLS client certificate of the partner is required. */
        public boolean requiresClientCertificate() {
            return this == MTLS || this == TOKEN_AND_MTLS;
        }

        /** Whether a bearer token of the partner is required. */
        public boolean requiresToken() {
            return this == TOKEN || this == TOKEN_AND_MTLS;
        }

        /** The setting spelled {@code value}, or null when there is none. */
        public static ChannelAuth parse(String value) {
            for (ChannelAuth a : values()) {
                if (a.value.equals(value)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** Exchange channel to the partner. */
    public enum Channel {
        REST,
        SOAP
    }

    /** A legal instrument the agreement rests on, with the articles requests may cite. */
    public record Instrument(String code, String title, Set<String> articles) {}

    /**
     * A partner certificate named by the agreement: an alias in the gateway's key ring (the file name under the PKI
     * directory) and optionally the SHA-256 fingerprint (lower-case hex) the certificate must have.
     *
     * @param source {@code FILE:LINE} of the field in the agreement file, for errors
     * @param field the dotted field, e.g. {@code security.certificates.signing}
     */
    public record CertificateRef(String alias, String sha256, String source, String field) {
        /** A configuration error naming the file, line and field: {@code FILE:LINE: field FIELD WHAT}. */
        public org.cmag.error.GatewayException problem(String what) {
            return new org.cmag.error.GatewayException(org.cmag.error.ErrorCode.CONFIGURATION, source + ": field " + field + " " + what);
        }
    }

    /** Handling labels stamped into outbound headers. */
    public record Handling(String confidentialityClass, String onwardTransfer, String evidenceUse, List<String> caveats) {
        public Handling {
            caveats = List.copyOf(caveats);
        }

        /** Labels without caveats. */
        public Handling(String confidentialityClass, String onwardTransfer, String evidenceUse) {
            this(confidentialityClass, onwardTransfer, evidenceUse, List.of());
        }
    }

    /** The answer deadline for a request type under this agreement, if the agreement sets one. */
    public java.util.Optional<java.time.Period> deadline(String requestType) {
        java.time.Period p = deadlines.get(requestType);
        return java.util.Optional.ofNullable(p != null ? p : deadlines.get("default"));
    }

    /** The compiled field rules for a message of {@code requestType} sent for {@code purposeCode} (null: none). */
    public FieldPolicy.RuleSet fieldRules(String requestType, String purposeCode) {
        return fieldRules.forMessage(requestType, purposeCode);
    }

    /** The first (or only) signing certificate named by the agreement. */
    public CertificateRef signingCertificate() {
        return signingCertificates.get(0);
    }

    /** The first (or only) encryption certificate named by the agreement. */
    public CertificateRef encryptionCertificate() {
        return encryptionCertificates.get(0);
    }

    /** The alias of the partner's (first) signing certificate in the key ring. */
    public String signingCertificateFile() {
        return signingCertificate().alias();
    }

    /** The alias of the partner's (first) encryption certificate in the key ring. */
    public String encryptionCertificateFile() {
        return encryptionCertificate().alias();
    }

    /** Whether the agreement is in force on {@code day} (validFrom and validUntil inclusive). */
    public boolean inForce(java.time.LocalDate day) {
        return !day.isBefore(validFrom) && (validUntil == null || !day.isAfter(validUntil));
    }

    /** The outbound queue of this partner. */
    public String outboundQueue(String prefix) {
        return prefix + id;
    }

    /** Whether the agreement covers this instrument and article (the article may be omitted). */
    public boolean permitsLegalBasis(String instrumentCode, String article) {
        return instruments.stream().anyMatch(i -> i.code().equals(instrumentCode)
                && (article == null || i.articles().isEmpty() || i.articles().contains(article)));
    }
}
