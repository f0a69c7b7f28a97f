package org.cmag.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of one gateway database that the invariants are about, read with plain JDBC: an H2 file database after its
 * gateway stopped (it is locked while the gateway runs), or PostgreSQL. A table or column the target schema has and this
 * database lacks is kept as an error text, so the check that needs it fails naming it.
 */
record DbSnapshot(String gateway, String url, Map<String, Outbound> outbound, Map<String, Receipt> receipts, Map<String, Inbound> inbound,
        Map<String, String> rejections, Map<String, DeadLetter> deadLetters, String deadLetterError, Map<String, Set<String>> auditTypes) {

    record Outbound(String messageId, String caseId, String type, String status, boolean hasReceipt, String receiptXml, Instant createdAt) {}

    record Receipt(String messageId, String partnerId, String digest, String receiptXml, Instant receivedAt) {}

    record Inbound(String messageId, String caseId, String type, String status, Instant processedAt) {}

    record DeadLetter(String messageId, String queue, String reasonCode, int attempts, String lastError, String state) {}

    /** The H2 file database of a stopped gateway ({@code <data-dir>/db/cmag}), opened only if it exists. */
    static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db/cmag").toAbsolutePath() + ";WRITE_DELAY=0;IFEXISTS=TRUE";
    }

    static DbSnapshot read(String gateway, String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            Map<String, Outbound> outbound = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery(
                    "SELECT message_id, case_id, message_type, status, receipt_xml, created_at FROM outbound_message ORDER BY created_at")) {
                while (rs.next()) {
                    String receipt = rs.getString(5);
                    outbound.put(rs.getString(1), new Outbound(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), receipt != null,
                            receipt, instant(rs.getTimestamp(6))));
                }
            }
            Map<String, Receipt> receipts = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT message_id, partner_id, received_digest, receipt_xml, received_at FROM inbound_receipt")) {
                while (rs.next()) {
                    receipts.put(rs.getString(1), new Receipt(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5))));
                }
            }
            Map<String, Inbound> inbound = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT message_id, case_id, message_type, status, processed_at FROM inbound_message")) {
                while (rs.next()) {
                    inbound.put(rs.getString(1), new Inbound(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5))));
                }
            }
            Map<String, String> rejections = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT message_id, error_code FROM inbound_rejection WHERE message_id IS NOT NULL")) {
                while (rs.next()) {
                    rejections.merge(rs.getString(1), rs.getString(2), (a, b) -> a + "," + b);
                }
            }
            Map<String, DeadLetter> deadLetters = new HashMap<>();
            String deadLetterError = null;
            try (ResultSet rs = st.executeQuery("SELECT id, queue, message_id, partner_id, case_id, reason_code, attempts, first_failure_at,"
                    + " last_failure_at, last_error, dead_lettered_at, state FROM dead_letter")) {
                while (rs.next()) {
                    String id = rs.getString("message_id");
                    if (id != null) {
                        deadLetters.put(id, new DeadLetter(id, rs.getString("queue"), rs.getString("reason_code"), rs.getInt("attempts"),
                                rs.getString("last_error"), rs.getString("state")));
                    }
                }
            } catch (SQLException e) {
                deadLetterError = "table dead_letter (id, queue, message_id, partner_id, case_id, reason_code, attempts, first_failure_at,"
                        + " last_failure_at, last_error, dead_lettered_at, state) cannot be read on " + gateway + ": " + firstLine(e.getMessage());
            }
            Map<String, Set<String>> audit = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT message_id, event_type FROM audit_event WHERE message_id IS NOT NULL")) {
                while (rs.next()) {
                    audit.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                }
            }
            return new DbSnapshot(gateway, url, outbound, receipts, inbound, rejections, deadLetters, deadLetterError, audit);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database of " + gateway + " (" + url + "): " + e.getMessage(), e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Several snapshots of one gateway id (DE on H2, then DE on PostgreSQL) seen as one. */
    static DbSnapshot union(String gateway, List<DbSnapshot> parts) {
        Map<String, Outbound> outbound = new LinkedHashMap<>();
        Map<String, Receipt> receipts = new LinkedHashMap<>();
        Map<String, Inbound> inbound = new LinkedHashMap<>();
        Map<String, String> rejections = new HashMap<>();
        Map<String, DeadLetter> deadLetters = new HashMap<>();
        Map<String, Set<String>> audit = new HashMap<>();
        String deadLetterError = null;
        StringBuilder urls = new StringBuilder();
        for (DbSnapshot p : parts) {
            outbound.putAll(p.outbound);
            receipts.putAll(p.receipts);
            inbound.putAll(p.inbound);
            rejections.putAll(p.rejections);
            deadLetters.putAll(p.deadLetters);
            p.auditTypes.forEach((k, v) -> audit.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
            if (p.deadLetterError != null) {
                deadLetterError = deadLetterError == null ? p.deadLetterError : deadLetterError + "; " + p.deadLetterError;
            }
            urls.append(urls.length() == 0 ? "" : " + ").append(p.url);
        }
        return new DbSnapshot(gateway, urls.toString(), outbound, receipts, inbound, rejections, deadLetters, deadLetterError, audit);
    }
}
