package org.cmag.transfer;

import java.time.Clock;
import java.util.UUID;
import java.util.regex.Pattern;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditEvent;
import org.cmag.store.ReceivedDataRegister;
import org.cmag.store.ReceivedDataRegister.Consent;
import org.cmag.store.ReceivedDataRegister.Received;

/**
 * Written consents a legal officer obtained outside the gateway (a letter, a signed form): the supplying administration
 * allows what one of its messages carried to go to a recipient administration. Recorded with who recorded it and the
 * reference of the document, and audited. Used by {@code cmag consent record} and {@code POST /api/v1/consents}.
 */
public final class ManualConsents {
    private static final Pattern AUTHORITY = Pattern.compile("[A-Z0-9][A-Z0-9-]{1,34}");

    private final ReceivedDataRegister register;
    private final Clock clock;

    public ManualConsents(ReceivedDataRegister register, Clock clock) {
        this.register = register;
        this.clock = clock;
    }

    /** What a legal officer records; field names are those of the REST body. */
    public record Request(String from, String to, String messageRef, String reference, String recordedBy) {}

    public Consent record(Request r) {
        String from = authority(r.from(), "/from");
        String to = authority(r.to(), "/to");
        required(r.messageRef(), "/messageRef", 70);
        required(r.reference(), "/reference", 300);
        required(r.recordedBy(), "/recordedBy", 100);
        if (from.equals(to)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "Data may always go back to the administration that supplied it;"
                    + " a consent names another recipient", "/to");
        }
        java.util.List<Received> held = register.forMessage(r.messageRef());
        if (held.isEmpty() || held.stream().noneMatch(x -> x.partnerId().equals(from))) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "The received-data register holds no declaration data from " + from
                    + " in message " + r.messageRef() + " (unknown message, another sender, or purged after its retention date)",
                    "/messageRef");
        }
        Consent consent = new Consent("MANUAL-" + UUID.randomUUID(), ReceivedDataRegister.MANUAL, from, to, r.messageRef(),
                held.get(0).caseId(), "GRANTED", null, r.reference().trim(), r.recordedBy().trim(), clock.instant(), clock.instant());
        register.recordManual(consent, AuditEvent.ok("consent-recorded", r.recordedBy().trim(), from, r.messageRef(), consent.caseId(),
                "written consent " + consent.consentId() + " of " + from + " to pass message " + r.messageRef() + " on to " + to
                        + ", reference " + consent.reference()));
        return consent;
    }

    private static String authority(String value, String pointer) {
        String v = ReceivedDataRegister.recipient(value);
        if (v == null || v.isEmpty()) {
            throw new GatewayException(ErrorCode.MISSING_FIELD, pointer.substring(1) + " is required", pointer);
        }
        if (!AUTHORITY.matcher(v).matches()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, pointer.substring(1) + " must be a partner administration id such as DE",
                    pointer);
        }
        return v;
    }

    private static void required(String value, String pointer, int max) {
        if (value == null || value.isBlank()) {
            throw new GatewayException(ErrorCode.MISSING_FIELD, pointer.substring(1) + " is required", pointer);
        }
        if (value.length() > max) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, pointer.substring(1) + " has more than " + max + " characters", pointer);
        }
    }
}
