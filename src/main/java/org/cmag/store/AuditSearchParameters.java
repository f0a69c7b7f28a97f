package org.cmag.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The query string of an audit search ({@code GET /api/v1/audit/events?partner=DE&outcome=REJECTED&limit=50&before=1200}),
 * read from the raw query string only (never from HTTP headers of the same name), checked strictly: an unknown, repeated,
 * empty or malformed parameter is refused with a code naming it.
 *
 * @param filter what to search for
 * @param before the page cursor (records with a smaller seq), or null for the newest page
 * @param limit the page size, 1 to {@link AuditQuery#MAX_LIMIT}
 * @param used the parameters as given, in order, for the officer's access record
 */
public record AuditSearchParameters(AuditQuery.Filter filter, Long before, int limit, Map<String, String> used) {
    public static final int DEFAULT_LIMIT = 50;
    /** The filter parameters, in the order the console shows them. */
    public static final List<String> FILTERS = List.of("case", "partner", "from", "to", "messageType", "legalBasis", "purpose", "outcome",
            "eventType", "errorCode");
    private static final List<String> PAGING = List.of("before", "limit");
    private static final int MAX_VALUE_LENGTH = 600;

    /** Parses a raw (still URL-encoded) query string; null or empty means no filter, first page, default size. */
    public static AuditSearchParameters parse(String rawQuery) {
        Map<String, String> p = decode(rawQuery);
        String outcome = p.get("outcome");
        if (outcome != null && !AuditQuery.OUTCOMES.contains(outcome.toUpperCase(Locale.ROOT))) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "outcome must be OK, REJECTED or FAILED", "outcome");
        }
        Instant from = instant(p.get("from"), "from", false);
        Instant to = instant(p.get("to"), "to", true);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "from must be before to", "from");
        }
        AuditQuery.Filter filter = new AuditQuery.Filter(p.get("case"), p.get("partner"), from, to, p.get("messageType"), p.get("legalBasis"),
                p.get("purpose"), outcome == null ? null : outcome.toUpperCase(Locale.ROOT), p.get("eventType"), p.get("errorCode"));
        Long before = p.containsKey("before") ? positive(p.get("before"), "before", Long.MAX_VALUE) : null;
        int limit = p.containsKey("limit") ? (int) positive(p.get("limit"), "limit", AuditQuery.MAX_LIMIT) : DEFAULT_LIMIT;
        return new AuditSearchParameters(filter, before, limit, Map.copyOf(p));
    }

    /** The parameters as one line for the access record: {@code partner=DE outcome=REJECTED} (or "no filter"). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (String name : FILTERS) {
            append(sb, name);
        }
        for (String name : PAGING) {
            append(sb, name);
        }
        return sb.length() == 0 ? "no filter" : sb.toString();
    }

    private void append(StringBuilder sb, String name) {
        String value = used.get(name);
        if (value != null) {
            sb.append(sb.length() == 0 ? "" : " ").append(name).append('=').append(value);
        }
    }

    private static Map<String, String> decode(String rawQuery) {
        Map<String, String> p = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return p;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodePart(eq < 0 ? pair : pair.substring(0, eq), "query");
            String raw = eq < 0 ? "" : decodePart(pair.substring(eq + 1), name);
            String value = raw.strip();
            if (!FILTERS.contains(name) && !PAGING.contains(name)) {
                throw new GatewayException(ErrorCode.UNKNOWN_FIELD, "Unknown parameter '" + shorten(name) + "'; known are " + FILTERS + " and "
                        + PAGING, shorten(name));
            }
            if (p.containsKey(name)) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, "Parameter " + name + " is given more than once", name);
            }
            if (value.isEmpty()) {
                continue; // an empty form field: no filter
            }
            if (value.length() > MAX_VALUE_LENGTH || raw.chars().anyMatch(Character::isISOControl)) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, "Parameter " + name + " is too long or contains control characters", name);
            }
            p.put(name, value);
        }
        return p;
    }

    private static String decodePart(String s, String name) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "Parameter " + shorten(name) + " is not URL-encoded correctly", shorten(name));
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** An ISO instant ({@code 2026-11-20T09:00:00Z}) or a date ({@code 2026-11-20}: its start, or for {@code to} its end, UTC). */
    private static Instant instant(String value, String name, boolean endOfDay) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, name + " must be a date (2026-11-20) or a UTC time (2026-11-20T09:00:00Z)", name);
        }
    }

    private static long positive(String value, String name, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new GatewayException(ErrorCode.INVALID_FIELD, name + " must be a whole number from 1 to " + max, name);
    }
}
