package org.cmag.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cmag.audit.Checkpoint;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditRecord;
import org.cmag.store.EvidenceItem;

/**
 * The human-readable {@code report.html} of an evidence bundle: what was exchanged with whom, under which legal basis and
 * purpose, what the agreement withheld (the WCO pointers of the {@code policy-applied} records), the timeline, and how
 * to check the bundle. Everything in it is also in the bundle's signed machine-readable parts.
 */
final class BundleReport {
    private BundleReport() {}

    static String html(String gatewayId, Selection selection, String officer, Instant at, List<AuditRecord> chain, Set<Long> excerpt,
            List<EvidenceItem> items, JsonNode policies, Checkpoint checkpoint) {
        List<AuditRecord> selected = chain.stream().filter(r -> excerpt.contains(r.seq())).toList();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evidence bundle: ").append(esc(selection.describe()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
                        + "th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}th{background:#eee}"
                        + "code{font-size:.85em;word-break:break-all}.rejected{color:#a00}</style></head><body>\n");
        h.append("<h1>Evidence bundle: ").append(esc(selection.describe())).append("</h1>\n<p>Recorded by gateway <b>").append(esc(gatewayId))
                .append("</b>. Exported ").append(esc(at.toString())).append(" by ").append(esc(officer)).append(".</p>\n");

        h.append("<h2>What was exchanged, with whom</h2>\n<table><tr><th>Message</th><th>Case</th><th>Document</th><th>Partner</th>"
                + "<th>Stored</th><th>Retention until</th><th>Content</th><th>SHA-256</th></tr>\n");
        for (EvidenceItem i : items) {
            String what = (i.kind() == EvidenceItem.Kind.MESSAGE ? "signed message " : "signed receipt ")
                    + (i.direction() == EvidenceItem.Direction.OUT ? "sent to" : "received from");
            h.append("<tr><td>").append(esc(i.messageId())).append("</td><td>").append(esc(i.caseId())).append("</td><td>").append(what)
                    .append("</td><td>").append(esc(i.partnerId())).append("</td><td>").append(esc(i.storedAt().toString())).append("</td><td>")
                    .append(esc(i.retentionUntil() == null ? "-" : i.retentionUntil().toString())).append("</td><td>")
                    .append(i.purged() ? "purged " + esc(String.valueOf(i.purgedAt())) + " (digest kept)" : "in the bundle")
                    .append("</td><td><code>").append(esc(i.digest())).append("</code></td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Legal basis and purpose</h2>\n<table><tr><th>Message</th><th>Partner</th><th>Legal basis</th><th>Purpose</th></tr>\n");
        Set<String> seen = new LinkedHashSet<>();
        for (AuditRecord r : selected) {
            AuditEvent e = r.event();
            if (e.legalBasis() != null && seen.add(e.messageId() + "|" + e.legalBasis() + "|" + e.purpose())) {
                h.append("<tr><td>").append(esc(e.messageId())).append("</td><td>").append(esc(e.partnerId())).append("</td><td>")
                        .append(esc(e.legalBasis())).append("</td><td>").append(esc(e.purpose())).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");

        h.append("<h2>What the agreement withheld</h2>\n<p>Per outbound message, the agreement's field rules as applied (WCO pointers; "
                + "values are never recorded).</p>\n<table><tr><th>Message</th><th>Partner</th><th>Policy decision</th></tr>\n");
        for (AuditRecord r : selected) {
            if (r.event().type().equals("policy-applied")) {
                h.append("<tr><td>").append(esc(r.event().messageId())).append("</td><td>").append(esc(r.event().partnerId())).append("</td><td>")
                        .append(esc(r.event().detail())).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");

        h.append("<h2>Timeline</h2>\n<table><tr><th>#</th><th>Time (UTC)</th><th>Event</th><th>Outcome</th><th>By</th><th>Partner</th>"
                + "<th>Message</th><th>Details</th></tr>\n");
        for (AuditRecord r : selected) {
            AuditEvent e = r.event();
            h.append("<tr").append(AuditEvent.OK.equals(e.outcome()) ? "" : " class=\"rejected\"").append("><td>").append(r.seq())
                    .append("</td><td>").append(esc(r.occurredAt().toString())).append("</td><td>").append(esc(e.type())).append("</td><td>")
                    .append(esc(e.outcome())).append(e.errorCode() == null ? "" : " (" + esc(e.errorCode()) + ")").append("</td><td>")
                    .append(esc(e.actor())).append("</td><td>").append(esc(e.partnerId())).append("</td><td>").append(esc(e.messageId()))
                    .append("</td><td>").append(esc(e.detail())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Agreements that applied</h2>\n<ul>\n");
        for (JsonNode p : policies) {
            h.append("<li>").append(esc(p.path("partnerId").asText())).append(": agreement ").append(esc(p.path("agreementId").asText()))
                    .append(" v").append(esc(p.path("agreementVersion").asText())).append(", first used ").append(esc(p.path("firstSeenAt").asText()))
                    .append(", SHA-256 <code>").append(esc(p.path("sha256").asText())).append("</code> (").append(esc(p.path("path").asText()))
                    .append(")</li>\n");
        }
        h.append("</ul>\n");

        int hashedOnly = chain.size() - selected.size();
        h.append("<h2>Integrity</h2>\n<p>The bundle holds the audit records ").append(chain.get(0).seq()).append(" to ")
                .append(chain.get(chain.size() - 1).seq()).append(": ").append(selected.size()).append(" of them in full (those of this selection and the"
                        + " export itself) and <b id=\"hashed-only\">").append(hashedOnly).append("</b> ").append(hashedOnly == 1 ? "record" : "records")
                .append(" of other cases or outside the selection as their hash only (sequence number, hash and the hash it links to; nothing of"
                        + " their content). Each record links to the one before by its hash, and record ").append(checkpoint.headSeq())
                .append(" is the head of a checkpoint signed by the gateway at ").append(esc(checkpoint.createdAt().toString()))
                .append(". Every file is listed with its SHA-256 in manifest.json, which the gateway signed (manifest.sig). Check it with:</p>\n"
                        + "<pre>java -jar cmag.jar audit verify-bundle BUNDLE.zip --trust-list TRUST-LIST.txt --trust-anchor CA.pem</pre>\n"
                        + "<p>or, with the gateway's own signing certificate: <code>--gateway ").append(esc(gatewayId))
                .append(" --gateway-certificate CERT.pem</code>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
