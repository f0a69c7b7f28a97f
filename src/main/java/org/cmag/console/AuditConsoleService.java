package org.cmag.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseJson;
import org.cmag.cases.CaseStore;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.evidence.EvidenceExport;
import org.cmag.store.AuditCsv;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditQuery;
import org.cmag.store.AuditRecord;
import org.cmag.store.AuditSearchParameters;

/**
 * What the legal-officer API does, free of Camel: search, CSV export, case timeline, chain status and evidence export.
 * Every read first appends an {@code audit-log-accessed} record (the officer, what was read and with which filters;
 * identifiers only), so looking at the log is itself on the log, even when the read then fails.
 */
public final class AuditConsoleService {
    public static final String ACCESSED = "audit-log-accessed";
    private static final int MAX_CASE_ID = 70;

    private final AuditLog audit;
    private final AuditQuery query;
    private final CaseStore cases;
    private final org.cmag.audit.ChainVerifier chain;
    private final EvidenceExport evidence;
    private final Clock clock;

    /**
     * @param chain the verifier of the whole chain and its signed checkpoints (the status the console shows)
     * @param evidence the evidence export (signed bundles of a case)
     */
    public AuditConsoleService(AuditLog audit, AuditQuery query, CaseStore cases, org.cmag.audit.ChainVerifier chain, EvidenceExport evidence,
            Clock clock) {
        this.audit = audit;
        this.chain = chain;
        this.query = query;
        this.cases = cases;
        this.evidence = java.util.Objects.requireNonNull(evidence, "evidence");
        this.clock = clock;
    }

    /** A page of the search as JSON: {@code {"events": [...], "next": cursor|null, "limit": n}}. */
    public ObjectNode search(String officer, AuditSearchParameters p) {
        accessed(officer, "search " + p.describe());
        AuditQuery.Page page = query.search(p.filter(), p.before(), p.limit());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        rows(out.putArray("events"), page.rows());
        if (page.next() == null) {
            out.putNull("next");
        } else {
            out.put("next", page.next());
        }
        out.put("limit", p.limit());
        return out;
    }

    /** The whole search result as CSV, streamed (paging and limit do not apply). */
    public InputStream csv(String officer, AuditSearchParameters p) {
        accessed(officer, "csv export " + p.describe());
        return AuditCsv.stream(query, p.filter());
    }

    /** A case's timeline: the case (when this gateway has it) and every audit record of it, both directions, in chain order. */
    public ObjectNode timeline(String officer, String caseId) {
        checkCaseId(caseId);
        accessed(officer, "case timeline case=" + caseId);
        Optional<AssistanceCase> k = cases.find(caseId);
        List<AuditQuery.Row> rows = query.timeline(caseId);
        if (k.isEmpty() && rows.isEmpty()) {
            throw new GatewayException(ErrorCode.CASE_UNKNOWN, "No case " + caseId + " in this gateway's records", "id");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("caseId", caseId);
        if (k.isPresent()) {
            out.set("case", CaseJson.summary(k.get()));
        }
        rows(out.putArray("events"), rows);
        return out;
    }

    /** Whether the chain is intact (or its first problem), the head, and when this was checked. */
    public ObjectNode chain(String officer) {
        accessed(officer, "chain verification");
        org.cmag.audit.ChainVerifier.Report report = chain.verify();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", report.intact() ? "intact" : "broken");
        if (report.problem().isPresent()) {
            out.put("problem", report.problem().get().message());
            out.put("problemSeq", report.problem().get().seq());
            out.put("problemKind", report.problem().get().kind().name());
        } else {
            out.putNull("problem");
        }
        out.put("records", report.records());
        out.put("checkpoints", report.checkpoints());
        if (report.anchor().isPresent()) {
            out.put("anchorSeq", report.anchor().get().headSeq());
        } else {
            out.putNull("anchorSeq");
        }
        out.put("headSeq", report.head().seq());
        out.put("headHash", report.head().hash());
        out.put("checkedAt", clock.instant().toString());
        return out;
    }

    /** The signed evidence bundle of a case (ZIP bytes). */
    public byte[] bundle(String officer, String caseId) {
        checkCaseId(caseId);
        accessed(officer, "evidence export case=" + caseId);
        return evidence.caseBundle(caseId, officer);
    }

    private void accessed(String officer, String what) {
        audit.append(AuditEvent.ok(ACCESSED, officer, null, null, null, what));
    }

    private static void checkCaseId(String caseId) {
        if (caseId == null || caseId.isBlank() || caseId.length() > MAX_CASE_ID || caseId.chars().anyMatch(Character::isISOControl)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "The case id must have 1 to " + MAX_CASE_ID + " characters", "id");
        }
    }

    private static void rows(ArrayNode array, List<AuditQuery.Row> rows) {
        for (AuditQuery.Row row : rows) {
            array.add(json(row));
        }
    }

    static ObjectNode json(AuditQuery.Row row) {
        AuditRecord r = row.record();
        AuditEvent e = r.event();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("seq", r.seq());
        o.put("occurredAt", r.occurredAt().toString());
        o.put("type", e.type());
        o.put("outcome", e.outcome());
        o.put("actor", e.actor());
        o.put("partner", e.partnerId());
        o.put("messageId", e.messageId());
        o.put("caseId", e.caseId());
        o.put("messageType", row.messageType());
        o.put("direction", row.direction());
        o.put("legalBasis", e.legalBasis());
        o.put("purpose", e.purpose());
        o.put("messageDigest", e.messageDigest());
        o.put("errorCode", e.errorCode());
        o.put("withheld", row.withheld());
        o.put("detail", e.detail());
        o.put("prevHash", r.prevHash());
        o.put("hash", r.hash());
        return o;
    }
}
