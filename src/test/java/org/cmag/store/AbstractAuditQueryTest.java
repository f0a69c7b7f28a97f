package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Legal-officer search over a real audit log; run by {@link AuditQueryH2Test} and {@link AuditQueryPostgresTest}. */
abstract class AbstractAuditQueryTest extends DatabaseBackedTest {
    private static final String DIGEST = "ab".repeat(32);
    AuditLog audit;
    AuditQuery query;

    @BeforeEach
    void newQuery() {
        audit = new AuditLog(database(), CLOCK);
        query = new AuditQuery(database());
    }

    /** A filter as the API reads it from a query string. */
    private static AuditQuery.Filter filter(String query) {
        return AuditSearchParameters.parse(query).filter();
    }


    private List<Long> seqs(AuditQuery.Filter f) {
        return query.search(f, null, AuditQuery.MAX_LIMIT).rows().stream().map(r -> r.record().seq()).toList();
    }

    private void outboundMessage(String id, String caseId, String type) {
        db.execute("INSERT INTO outbound_message (message_id, case_id, partner_id, message_type, legal_basis, purpose, status, sealed_digest,"
                + " created_at) VALUES ('" + id + "', '" + caseId + "', 'DE', '" + type + "', 'art. 4', 'verify origin', 'DELIVERED', '" + DIGEST
                + "', TIMESTAMP '2026-11-20 09:00:00')");
    }

    private void inboundMessage(String id, String caseId, String type) {
        db.execute("INSERT INTO inbound_message (message_id, partner_id, case_id, message_type, legal_basis, purpose, received_digest, status,"
                + " processed_at) VALUES ('" + id + "', 'DE', '" + caseId + "', '" + type + "', 'art. 4', 'verify origin', '" + DIGEST
                + "', 'DELIVERED', TIMESTAMP '2026-11-20 09:00:00')");
    }

    private void transition(String caseId, int seq, String messageId, String direction) {
        db.execute("INSERT INTO case_transition (case_id, seq, event, to_state, message_id, direction, actor, occurred_at) VALUES ('" + caseId
                + "', " + seq + ", 'RESPONSE', 'ANSWERED', '" + messageId + "', '" + direction + "', 'DE', TIMESTAMP '2026-11-20 09:00:00')");
    }

    @Test
    void eachFilterSelectsExactlyItsRecords() {
        audit.append(AuditEvent.ok("submission-received", "national", "DE", "M-1", "C-1", "VERIFICATION").withLegal("art. 4", "verify origin"),
                AuditEvent.rejected("message-rejected", "FR", "FR", "M-2", null, "signature_invalid", "bad signature"),
                AuditEvent.ok("message-received", "DE", "DE", "M-3", "C-2", null).withLegal("art. 9", "risk analysis"),
                new AuditEvent("delivery-attempt", AuditEvent.FAILED, "gateway", "DE", "M-1", "C-1", null, null, null, "delivery_failed", "down"));

        assertThat(seqs(AuditQuery.Filter.ALL)).containsExactly(4L, 3L, 2L, 1L);
        assertThat(seqs(filter("partner=DE"))).containsExactly(4L, 3L, 1L);
        assertThat(seqs(filter("legalBasis=art.+9"))).containsExactly(3L);
        assertThat(seqs(filter("purpose=verify+origin"))).containsExactly(1L);
        assertThat(seqs(filter("outcome=REJECTED"))).containsExactly(2L);
        assertThat(seqs(filter("outcome=FAILED"))).containsExactly(4L);
        assertThat(seqs(filter("eventType=message-received"))).containsExactly(3L);
        assertThat(seqs(filter("errorCode=signature_invalid"))).containsExactly(2L);
        assertThat(seqs(filter("case=C-1"))).containsExactly(4L, 1L);
        assertThat(seqs(filter("partner=DE&outcome=OK"))).containsExactly(3L, 1L);
        assertThat(seqs(filter("partner=NL"))).isEmpty();
    }

    @Test
    void periodIsFromInclusiveToExclusive() {
        Instant t1 = Instant.parse("2026-11-19T10:00:00Z");
        Instant t2 = Instant.parse("2026-11-20T10:00:00Z");
        Instant t3 = Instant.parse("2026-11-21T10:00:00Z");
        for (Instant t : new Instant[] {t1, t2, t3}) {
            new AuditLog(database(), Clock.fixed(t, ZoneOffset.UTC)).append(AuditEvent.ok("x", "test", "DE", null, null, t.toString()));
        }
        assertThat(seqs(filter("from=" + t2))).containsExactly(3L, 2L);
        assertThat(seqs(filter("to=" + t2))).containsExactly(1L);
        assertThat(seqs(filter("from=" + t1.plusSeconds(1) + "&" + "to=" + t3))).containsExactly(2L);
    }

    @Test
    void messageTypeAndDirectionComeFromTheMessageTables() {
        outboundMessage("OUT-1", "C-1", "AssistanceRequest");
        inboundMessage("IN-1", "C-1", "Response");
        db.execute("INSERT INTO inbound_rejection (message_id, partner_id, error_code, rejected_at) VALUES ('IN-BAD', 'DE', 'signature_invalid',"
                + " TIMESTAMP '2026-11-20 09:00:00')");
        audit.append(AuditEvent.ok("message-sealed", "gateway", "DE", "OUT-1", "C-1", null),
                AuditEvent.ok("message-received", "DE", "DE", "IN-1", "C-1", null),
                AuditEvent.rejected("message-rejected", "DE", "DE", "IN-BAD", null, "signature_invalid", "bad"),
                AuditEvent.ok("partner-onboarded", "admin", "DE", null, null, null));

        List<AuditQuery.Row> rows = query.search(AuditQuery.Filter.ALL, null, 10).rows();
        assertThat(rows).extracting(AuditQuery.Row::messageType).containsExactly(null, null, "Response", "AssistanceRequest");
        assertThat(rows).extracting(AuditQuery.Row::direction).containsExactly(null, "inbound", "inbound", "outbound");
        assertThat(seqs(filter("messageType=Response"))).containsExactly(2L);
        assertThat(seqs(filter("messageType=AssistanceRequest"))).containsExactly(1L);
    }

    @Test
    void caseTimelineHasBothDirectionsInChainOrderIncludingWhatWasWithheld() {
        outboundMessage("OUT-1", "C-1", "AssistanceRequest");
        inboundMessage("IN-1", "C-1", "Response");
        transition("C-1", 1, "IN-LATE", "IN");
        audit.append(AuditEvent.ok("submission-received", "national", "DE", "OUT-1", "C-1", "VERIFICATION"),
                AuditEvent.ok("policy-applied", "gateway", "DE", "OUT-1", "C-1",
                        "agreement NL-DE v3 sha256 " + DIGEST + ": keep 40; drop 1 [42A/67A/74A:R037]; pseudonymise 1 [42A/67A/74A:R038]"),
                AuditEvent.ok("message-sealed", "gateway", "DE", "CASE-2-MSG", "C-2", null),
                // the partner's answer before its case id was read: found through the message table
                AuditEvent.ok("message-received", "DE", "DE", "IN-1", null, null),
                // a later message only the case's transitions know
                AuditEvent.rejected("message-rejected", "DE", "DE", "IN-LATE", null, "schema_invalid", "bad"));

        List<AuditQuery.Row> timeline = query.timeline("C-1");
        assertThat(timeline).extracting(r -> r.record().seq()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(timeline).extracting(AuditQuery.Row::direction).containsExactly("outbound", "outbound", "inbound", null);
        assertThat(timeline.get(1).withheld()).isEqualTo("drop 1 [42A/67A/74A:R037]; pseudonymise 1 [42A/67A/74A:R038]");
        assertThat(timeline.get(0).withheld()).isNull();
        assertThat(query.timeline("C-9")).isEmpty();
        // the case filter of a search selects the same records
        assertThat(seqs(filter("case=C-1"))).containsExactly(5L, 4L, 2L, 1L);
    }

    @Test
    void keysetPagesOverTensOfThousandsOfRecordsAreCompleteDisjointAndOrdered() {
        int total = 30_000;
        List<AuditEvent> batch = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            String partner = i % 3 == 0 ? "FR" : "DE";
            batch.add(i % 7 == 0 ? AuditEvent.rejected("message-rejected", partner, partner, "M-" + i, null, "schema_invalid", null)
                    : AuditEvent.ok("message-received", partner, partner, "M-" + i, "C-" + (i % 100), null));
            if (batch.size() == 1000) {
                audit.append(batch.toArray(AuditEvent[]::new));
                batch.clear();
            }
        }
        assertPagesMatch(filter("partner=FR"), 500, seq -> seq % 3 == 0);
        assertPagesMatch(filter("partner=DE&outcome=REJECTED"), 137, seq -> seq % 3 != 0 && seq % 7 == 0);
        assertPagesMatch(filter("to=2099-01-01"), 500, seq -> seq <= audit.head().seq());
    }

    private void assertPagesMatch(AuditQuery.Filter f, int limit, java.util.function.LongPredicate matches) {
        List<Long> expected = new ArrayList<>();
        for (long seq = audit.head().seq(); seq >= 1; seq--) { // the paging below appends records with no partner
            if (matches.test(seq)) {
                expected.add(seq);
            }
        }
        List<Long> seen = new ArrayList<>();
        Set<Long> unique = new HashSet<>();
        Long cursor = null;
        int pages = 0;
        do {
            AuditQuery.Page page = query.search(f, cursor, limit);
            assertThat(page.rows()).hasSizeLessThanOrEqualTo(limit);
            page.rows().forEach(r -> {
                seen.add(r.record().seq());
                assertThat(unique.add(r.record().seq())).as("seq %d on one page only", r.record().seq()).isTrue();
            });
            if (pages == 0) {
                // records appended while the officer pages do not shift the pages already cut
                audit.append(AuditEvent.ok("audit-log-accessed", "officer", null, null, null, "paging"));
            }
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertThat(seen).isEqualTo(expected);
        assertThat(pages).isEqualTo((expected.size() + limit - 1) / limit);
    }

    @Test
    void limitOutsideOneToFiveHundredIsRefusedNamingIt() {
        for (int limit : new int[] {0, 501}) {
            GatewayException e = catchThrowableOfType(GatewayException.class, () -> query.search(AuditQuery.Filter.ALL, null, limit));
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.pointer()).isEqualTo("limit");
        }
    }

    @Test
    void csvStreamsEveryPageWithQuotingAndNoFormulas() throws IOException {
        audit.append(AuditEvent.rejected("message-rejected", "DE", "DE", "M-1", "C-1", "schema_invalid", "=HYPERLINK(\"http://x\",\"a, b\")"),
                AuditEvent.ok("x", "+officer", "DE", null, null, "line one\nline two"), AuditEvent.ok("x", "@actor", "DE", null, null, "-1"));
        List<AuditEvent> many = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            many.add(AuditEvent.ok("bulk", "test", "FR", null, null, "n" + i));
        }
        audit.append(many.toArray(AuditEvent[]::new));

        String csv;
        try (InputStream in = AuditCsv.stream(query, AuditQuery.Filter.ALL)) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = csv.split("\r\n", -1);
        assertThat(lines[0]).isEqualTo(String.join(",", AuditCsv.HEADER));
        assertThat(csv).endsWith("\r\n");
        // the header, 1203 records over three pages of 500 (a quoted bare LF inside a cell is not a record break), the final CRLF
        assertThat(lines).hasSize(1 + 1203 + 1);
        assertThat(csv).contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",")
                .contains(",'+officer,").contains("\"line one\nline two\"").contains(",'@actor,").contains(",'-1,");
        assertThat(lines[1]).startsWith("1203,");
        assertThat(lines[lines.length - 2]).startsWith("1,");
        assertThat(AuditCsv.cell("plain")).isEqualTo("plain");
        assertThat(AuditCsv.cell(null)).isEmpty();
    }
}
