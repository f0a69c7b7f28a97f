package org.cmag.evidence;

import java.time.Instant;
import java.util.Objects;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/** What an evidence bundle is about: one case (both directions), one message, or a period [from, to). */
public record Selection(String caseId, String messageId, Instant from, Instant to) {
    public Selection {
        int given = (caseId == null ? 0 : 1) + (messageId == null ? 0 : 1) + (from == null && to == null ? 0 : 1);
        if (given != 1) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "Select exactly one of a case, a message or a period", "selection");
        }
        if ((from == null) != (to == null) || from != null && !from.isBefore(to)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "A period needs a start before its end", "to");
        }
    }

    public static Selection ofCase(String caseId) {
        return new Selection(Objects.requireNonNull(caseId), null, null, null);
    }

    public static Selection ofMessage(String messageId) {
        return new Selection(null, Objects.requireNonNull(messageId), null, null);
    }

    public static Selection ofPeriod(Instant from, Instant to) {
        return new Selection(null, null, Objects.requireNonNull(from), Objects.requireNonNull(to));
    }

    /** One line for people, e.g. {@code case NL-2026-1}. */
    public String describe() {
        return caseId != null ? "case " + caseId : messageId != null ? "message " + messageId : "period " + from + " to " + to;
    }
}
