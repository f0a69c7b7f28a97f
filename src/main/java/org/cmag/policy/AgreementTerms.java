package org.cmag.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.MessageTypeCode;

/**
 * The terms of an agreement that every exchange message must meet, in either direction: the agreement is in force on
 * the day (UTC) and permits the message type in that direction. Camel-free; the stages {@code check-outbound-agreement}
 * and {@code check-agreement} call it.
 */
public final class AgreementTerms {
    /** Header code (ASSISTANCE_REQUEST) by the name agreement files use, the exchange Body element (AssistanceRequest). */
    static final Map<String, String> BY_FILE_NAME;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        for (MessageTypeCode c : MessageTypeCode.values()) {
            m.put(fileName(c.value()), c.value());
        }
        BY_FILE_NAME = java.util.Collections.unmodifiableMap(m);
    }

    private AgreementTerms() {}

    /** Every exchange message type, as header codes. */
    static Set<String> allCodes() {
        return Set.copyOf(BY_FILE_NAME.values());
    }

    /** The agreement-file name of a header code: ASSISTANCE_REQUEST → AssistanceRequest. */
    public static String fileName(String code) {
        StringBuilder sb = new StringBuilder(code.length());
        for (String part : code.split("_")) {
            if (!part.isEmpty()) {
                sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return sb.toString();
    }

    /** The day (UTC) of an instant, the unit agreement validity is written in. */
    public static LocalDate day(Instant now) {
        return now.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /** AGREEMENT_NOT_IN_FORCE unless the agreement is in force at {@code now}. */
    public static void requireInForce(Partner p, Instant now) {
        LocalDate today = day(now);
        if (!p.inForce(today)) {
            throw new GatewayException(ErrorCode.AGREEMENT_NOT_IN_FORCE, "Agreement " + p.agreementId() + " with " + p.id()
                    + " is not in force on " + today + " (" + period(p) + ")");
        }
    }

    /** We may send a message of header type {@code code} to the partner at {@code now}; else the code says why not. */
    public static void requireOutbound(Partner p, String code, Instant now) {
        requireInForce(p, now);
        if (!p.outboundMessageTypes().contains(code)) {
            throw new GatewayException(ErrorCode.MESSAGE_TYPE_NOT_PERMITTED, "Agreement " + p.agreementId() + " does not permit sending "
                    + name(code) + " to " + p.id() + "; outbound: " + names(p.outboundMessageTypes()));
        }
    }

    /** We may accept a message of header type {@code code} from the partner at {@code now}; else the code says why not. */
    public static void requireInbound(Partner p, String code, Instant now) {
        requireInForce(p, now);
        if (!p.inboundMessageTypes().contains(code)) {
            throw new GatewayException(ErrorCode.MESSAGE_TYPE_NOT_PERMITTED, "Agreement " + p.agreementId() + " does not permit "
                    + name(code) + " from " + p.id() + "; inbound: " + names(p.inboundMessageTypes()));
        }
    }

    /** "valid from D" or "valid from D until D". */
    public static String period(Partner p) {
        return "valid from " + p.validFrom() + (p.validUntil() == null ? "" : " until " + p.validUntil());
    }

    private static String name(String code) {
        return code == null ? "a message without type" : fileName(code);
    }

    /** Agreement-file names of header codes, in schema order. */
    public static List<String> names(Collection<String> codes) {
        return BY_FILE_NAME.entrySet().stream().filter(e -> codes.contains(e.getValue())).map(Map.Entry::getKey).toList();
    }
}
