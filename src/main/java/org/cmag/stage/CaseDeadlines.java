package org.cmag.stage;

import java.time.Clock;
import java.time.ZoneOffset;
import org.apache.camel.Exchange;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseStore;
import org.cmag.error.ErrorCode;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.protocol.CaseMessage;
import org.cmag.protocol.ProtocolMessageBuilder;

/**
 * Timer stages of the case deadlines: {@code mark-overdue} flags open cases past their deadline as OVERDUE (audited);
 * {@code send-reminders} sends a Reminder to the partner for each of our open requests whose reminder time has come
 * (once per case), through the same sealing route as every other message.
 */
public final class CaseDeadlines {
    private final CaseStore cases;
    private final PartnerRegistry registry;
    private final ProtocolMessageBuilder builder;
    private final AutomaticReplies replies;
    private final Clock clock;

    public CaseDeadlines(CaseStore cases, PartnerRegistry registry, ProtocolMessageBuilder builder, AutomaticReplies replies, Clock clock) {
        this.cases = cases;
        this.registry = registry;
        this.builder = builder;
        this.replies = replies;
        this.clock = clock;
    }

    public void markOverdue(Exchange exchange) {
        exchange.getMessage().setBody(cases.markOverdue(clock.instant()));
    }

    public void sendReminders(Exchange exchange) throws Exception {
        for (AssistanceCase k : cases.dueForReminder(clock.instant())) {
            Partner partner = registry.require(k.partnerId(), ErrorCode.UNKNOWN_PARTNER);
            var reminder = new CaseMessage.Reminder("The answer to this request is due on " + k.dueAt().atOffset(ZoneOffset.UTC).toLocalDate(),
                    k.dueAt().atOffset(ZoneOffset.UTC).toLocalDate());
            replies.send(exchange, builder.build(reminder, PrepareCaseMessage.context(k, partner)), k, partner, true);
        }
    }
}
