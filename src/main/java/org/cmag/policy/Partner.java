package org.cmag.policy;

import java.util.List;
import java.util.Set;
import org.cmag.crypto.SecurityProfile;

/**
 * A partner administration and the agreement under which we exchange with it, compiled from its file
 * under {@code policies/partners/}.
 *
 * @param policyDigest SHA-256 (hex) of the agreement file, stamped into every message's PolicyRef
 */
public record Partner(
        String id,
        String name,
        String country,
        String agreementId,
        String agreementVersion,
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
        String signingCertificateFile,
        String encryptionCertificateFile,
        Handling handling) {

    /** Exchange channel to the partner. */
    public enum Channel {
        REST,
        SOAP
    }

    /** A legal instrument the agreement rests on, with the articles requests may cite. */
    public record Instrument(String code, String title, Set<String> articles) {}

    /** Handling labels stamped into outbound headers. */
    public record Handling(String confidentialityClass, String onwardTransfer, String evidenceUse) {}

    /** The answer deadline for a request type under this agreement, if the agreement sets one. */
    public java.util.Optional<java.time.Period> deadline(String requestType) {
        java.time.Period p = deadlines.get(requestType);
        return java.util.Optional.ofNullable(p != null ? p : deadlines.get("default"));
    }

    /** The compiled field rules for a message of {@code requestType} sent for {@code purposeCode} (null: none). */
    public FieldPolicy.RuleSet fieldRules(String requestType, String purposeCode) {
        return fieldRules.forMessage(requestType, purposeCode);
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
