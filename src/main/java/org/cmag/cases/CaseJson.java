package org.cmag.cases;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** JSON views of cases for the national API and the CLI. */
public final class CaseJson {
    private CaseJson() {}

    public static ObjectNode summary(AssistanceCase k) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("caseId", k.caseId());
        o.put("role", k.role().name());
        o.put("partner", k.partnerId());
        o.put("requestType", k.requestType());
        o.put("legalBasis", k.legalBasis());
        o.put("purpose", k.purpose());
        o.put("state", k.state().name());
        o.put("overdue", k.overdue());
        o.put("requestMessageId", k.requestMessageId());
        if (k.relatedRequestId() != null) {
            o.put("relatedRequestId", k.relatedRequestId());
        }
        if (k.dueAt() != null) {
            o.put("dueAt", k.dueAt().toString());
        }
        if (k.reminderAt() != null) {
            o.put("reminderAt", k.reminderAt().toString());
        }
        if (k.postponedUntil() != null) {
            o.put("postponedUntil", k.postponedUntil().toString());
        }
        o.put("createdAt", k.createdAt().toString());
        o.put("updatedAt", k.updatedAt().toString());
        return o;
    }

    public static ObjectNode withTimeline(AssistanceCase k, List<CaseTransition> timeline) {
        ObjectNode o = summary(k);
        ArrayNode t = o.putArray("timeline");
        for (CaseTransition tr : timeline) {
            ObjectNode e = t.addObject();
            e.put("seq", tr.seq());
            e.put("at", tr.at().toString());
            e.put("event", tr.event());
            if (tr.from() != null) {
                e.put("from", tr.from().name());
            }
            e.put("to", tr.to().name());
            e.put("direction", tr.direction());
            e.put("actor", tr.actor());
            if (tr.messageId() != null) {
                e.put("messageId", tr.messageId());
            }
        }
        return o;
    }
}
