package org.cmag.protocol;

import java.util.List;
import java.util.Objects;
import org.cmag.policy.Partner;

/**
 * What every message of a case repeats in its header: the counterpart and its agreement, the case reference
 * (ConversationID), the legal basis and purpose(s) of the request that opened the case, and the message answered.
 *
 * @param caseId the ConversationID shared by every message of the case
 * @param legalArticle null when the request cited no article
 * @param purposes the request's purposes (1 to 10), copied into each header
 * @param inReplyTo the MessageID of the message answered, or null
 */
public record CaseContext(Partner partner, String caseId, String legalInstrument, String legalArticle, List<String> purposes,
        String inReplyTo) {
    public CaseContext {
        Objects.requireNonNull(partner, "partner");
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(legalInstrument, "legalInstrument");
        purposes = List.copyOf(purposes);
        if (purposes.isEmpty() || purposes.size() > 10) {
            throw new IllegalArgumentException("a case has 1 to 10 purposes, not " + purposes.size());
        }
    }

    /** A case with one purpose (as requests made through this gateway have). */
    public CaseContext(Partner partner, String caseId, String legalInstrument, String legalArticle, String purpose, String inReplyTo) {
        this(partner, caseId, legalInstrument, legalArticle, List.of(purpose), inReplyTo);
    }
}
