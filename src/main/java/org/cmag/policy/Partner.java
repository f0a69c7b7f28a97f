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
        CertificateRef signingCertificate,
        CertificateRef encryptionCertificate,
        Handling handling,
        ChannelAuth auth) {

    /** Exchange channel to the partner. */
    public enum Channel {
        REST,
        SOAP
    }

    /**
     * How the partner's channel authenticates, in both directions ({@code channel.auth} in the agreement, overridable
     * with {@code gateway.partner.<ID>.auth}): {@code token} means the partner must present a bearer access token on
     * our partner channel and we present one (client credentials from its token endpoint) when delivering to it;
     * {@code mtls} means client certificates; {@code token+mtls} both; {@code none} neither (the signed and encrypted
     * message is then the only authentication, and the deployment relies on network controls).
     */
    public enum ChannelAuth {
        NONE("none"),
        TOKEN("token"),
        MTLS("mtls"),
        TOKEN_MTLS("token+mtls");

        private final String value;

        ChannelAuth(String value) {
            this.value = value;
        }

        /** The value as written in an agreement file. */
        public String value() {
            return value;
        }

        /** Whether bearer tokens are required on this channel. */
        public boolean requiresToken() {
            return this == TOKEN || this == TOKEN_MTLS;
        }

        /** Whether client certificates are required on this channel. */
        public boolean requiresClientCertificate() {
            return this == MTLS || this == TOKEN_MTLS;
        }

        /** The value for {@code text} ({@code none}, {@code token}, {@code mtls}, {@code token+mtls}), or null. */
        public static ChannelAuth parse(String text) {
            for (ChannelAuth a : values()) {
                if (a.value.equalsIgnoreCase(text.trim())) {
                    return a;
                }
            }
            return null;
        }
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

    /** The alias of the partner's signing certificate in the key ring. */
    public String signingCertificateFile() {
        return signingCertificate.alias();
    }

    /** The alias of the partner's encryption certificate in the key ring. */
    public String encryptionCertificateFile() {
        return encryptionCertificate.alias();
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
