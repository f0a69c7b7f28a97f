package org.cmag.store;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.NoSuchElementException;

/**
 * CSV export of an audit search (RFC 4180: CRLF line ends, a header row, fields with a comma, quote or line break in
 * double quotes with quotes doubled). No formula injection: a cell starting with {@code = + - @} (or a tab or carriage
 * return) is prefixed with a single quote, so a spreadsheet shows it as text. Streamed: the rows are read page by page
 * (keyset, {@link AuditQuery#MAX_LIMIT} at a time) while the client reads, never all at once.
 */
public final class AuditCsv {
    static final String[] HEADER = {"seq", "occurred_at", "event_type", "outcome", "actor", "partner", "message_id", "case_id",
        "message_type", "direction", "legal_basis", "purpose", "message_digest", "error_code", "withheld_by_policy", "detail", "prev_hash",
        "hash"};

    private AuditCsv() {}

    /** The whole result of the filter as CSV, newest first, read lazily from the database. */
    public static InputStream stream(AuditQuery query, AuditQuery.Filter filter) {
        return new SequenceInputStream(new Enumeration<>() {
            private boolean headerDone;
            private Long before;
            private boolean done;

            @Override
            public boolean hasMoreElements() {
                return !done;
            }

            @Override
            public InputStream nextElement() {
                if (done) {
                    throw new NoSuchElementException();
                }
                StringBuilder sb = new StringBuilder();
                if (!headerDone) {
                    headerDone = true;
                    line(sb, HEADER);
                    return bytes(sb);
                }
                AuditQuery.Page page = query.search(filter, before, AuditQuery.MAX_LIMIT);
                for (AuditQuery.Row row : page.rows()) {
                    line(sb, row(row));
                }
                before = page.next();
                done = before == null;
                return bytes(sb);
            }
        });
    }

    static String[] row(AuditQuery.Row row) {
        AuditRecord r = row.record();
        AuditEvent e = r.event();
        return new String[] {String.valueOf(r.seq()), r.occurredAt().toString(), e.type(), e.outcome(), e.actor(), e.partnerId(),
            e.messageId(), e.caseId(), row.messageType(), row.direction(), e.legalBasis(), e.purpose(), e.messageDigest(), e.errorCode(),
            row.withheld(), e.detail(), r.prevHash(), r.hash()};
    }

    static void line(StringBuilder sb, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells[i]));
        }
        sb.append("\r\n");
    }

    /** One cell: neutralised against formulas, then quoted when needed. */
    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    private static InputStream bytes(StringBuilder sb) {
        return new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
