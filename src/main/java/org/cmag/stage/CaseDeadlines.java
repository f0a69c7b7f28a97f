package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.cmag.cases.CaseStore;

/** Timer stage {@code mark-overdue}: flags open cases past their deadline as OVERDUE (audited). */
public final class CaseDeadlines {
    private final CaseStore cases;
    private final Clock clock;

    public CaseDeadlines(CaseStore cases, Clock clock) {
        this.cases = cases;
        this.clock = clock;
    }

    public void markOverdue(Exchange exchange) {
        exchange.getMessage().setBody(cases.markOverdue(clock.instant()));
    }
}
