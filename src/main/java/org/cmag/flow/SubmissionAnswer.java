package org.cmag.flow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cmag.policy.FreeTextGuard;
import org.cmag.wco.Unmapped;

/**
 * The national system's answer to an accepted submission (202): message id, case reference, partner, status QUEUED with
 * the sealed message's digest (or HELD with the free-text findings: pointers and kinds, never values) and the input
 * elements the translation did not carry. Built before the record, so an idempotent submission stores exactly the answer
 * it gave.
 */
public final class SubmissionAnswer {
    private SubmissionAnswer() {}

    public static String json(OutboundMessage m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("messageId", m.messageId()).put("caseId", m.caseId()).put("partner", m.partnerId());
        if (m.hold()) {
            o.put("status", "HELD");
            ArrayNode findings = o.putArray("findings");
            for (FreeTextGuard.Finding f : m.heldFindings()) {
                findings.addObject().put("pointer", f.pointer()).put("kind", f.kind());
            }
        } else {
            o.put("status", "QUEUED").put("digest", m.sealedDigest());
        }
        ArrayNode unmapped = o.putArray("unmapped");
        for (Unmapped u : m.unmapped()) {
            unmapped.addObject().put("pointer", u.pointer()).put("path", u.inputPath()).put("reason", u.reason());
        }
        return o.toString();
    }

    /** Where the accepted message can be looked at: the held message, or the outbound message. */
    public static String location(OutboundMessage m) {
        return (m.hold() ? "/api/v1/held/" : "/api/v1/messages/") + m.messageId();
    }
}
