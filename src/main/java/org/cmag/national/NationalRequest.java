package org.cmag.national;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An assistance request as a national system submits it (JSON, see {@code schemas/national/assistance-request.schema.json}).
 * Declaration data comes either in the national JSON declaration format ({@code declarations}, see
 * {@code schemas/national/declaration.schema.json}) or as WCO DM DEC-DMS XML documents ({@code wcoDeclarations});
 * both are translated by {@link org.cmag.wco.DeclarationTranslator}.
 */
public record NationalRequest(
        String partner,
        String requestType,
        String legalInstrument,
        String legalArticle,
        String purpose,
        String relatedRequestId,
        String factsSummary,
        List<JsonNode> declarations,
        List<String> wcoDeclarations,
        String purposeCode) {

    /** A request without a purpose code (agreements that list no purposes). */
    public NationalRequest(String partner, String requestType, String legalInstrument, String legalArticle, String purpose,
            String relatedRequestId, String factsSummary, List<JsonNode> declarations, List<String> wcoDeclarations) {
        this(partner, requestType, legalInstrument, legalArticle, purpose, relatedRequestId, factsSummary, declarations, wcoDeclarations, null);
    }

    /** The purpose as the message header carries it: {@code CODE: text} when a purpose code is given. */
    public String headerPurpose() {
        return org.cmag.policy.Purposes.header(purposeCode, purpose);
    }
}
