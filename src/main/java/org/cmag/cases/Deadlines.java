package org.cmag.cases;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Optional;
import org.cmag.policy.Partner;

/** Due date and reminder time of a new case, from the agreement's deadline for its request type. */
public record Deadlines(Instant dueAt, Instant reminderAt) {
    public static final Deadlines NONE = new Deadlines(null, null);

    public static Deadlines of(Partner partner, String requestType, Instant created) {
        Optional<Period> period = partner.deadline(requestType);
        if (period.isEmpty()) {
            return NONE;
        }
        Instant due = created.atOffset(ZoneOffset.UTC).plus(period.get()).toInstant();
        long span = Duration.between(created, due).toSeconds();
        return new Deadlines(due, created.plusSeconds(span * partner.reminderPercent() / 100));
    }
}
