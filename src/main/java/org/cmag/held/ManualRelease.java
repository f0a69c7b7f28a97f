package org.cmag.held;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.policy.FreeTextGuard;
import org.cmag.policy.Minimisation;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.AuditEvent;
import org.cmag.store.Database;
import org.cmag.store.HeldStore;
import org.cmag.store.HeldStore.Held;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The manual-release queue, without Camel: a legal officer's decisions on held messages (release as-is or with masking,
 * reject), the held message made ready for sealing again, and the views of it. The officer sees the flagged text; the
 * audit never does (pointers and kinds only).
 */
public final class ManualRelease {
    /** A held message ready to be sealed: its document (Created refreshed, masked if chosen) and the claim to commit with it. */
    public record Prepared(Held held, Partner partner, Document document, String by, HeldStore.Mode mode,
            org.cmag.flow.OutboundMessage.HeldRelease release) {}

    private final HeldStore store;
    private final PartnerRegistry registry;
    private final Minimisation minimisation;
    private final SecureXml xml;
    private final Clock clock;

    public ManualRelease(HeldStore store, PartnerRegistry registry, Minimisation minimisation, SecureXml xml, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.minimisation = minimisation;
        this.xml = xml;
        this.clock = clock;
    }

    /**
     * Makes a held message ready for sealing. {@code expected} is HELD for an officer's release now, RELEASING for one
     * decided earlier (then {@code by} and {@code mode} come from the decision). Fails fast with held_not_pending; the
     * claim re-checks atomically when the sealed message is recorded.
     */
    public Prepared prepare(String messageId, String expected, String by, HeldStore.Mode mode) {
        Held h = store.require(messageId);
        if (!h.status().equals(expected)) {
            throw new GatewayException(ErrorCode.HELD_NOT_PENDING, "Held message " + messageId + " is " + h.status()
                    + (h.decidedBy() == null ? "" : " (decided by " + h.decidedBy() + " at " + h.decidedAt() + ")")
                    + ": only a HELD message can be released or rejected");
        }
        String officer = HeldStore.RELEASING.equals(expected) ? h.decidedBy() : by;
        HeldStore.Mode how = HeldStore.RELEASING.equals(expected) ? h.mode() : mode;
        Partner partner = registry.require(h.partnerId(), ErrorCode.UNKNOWN_PARTNER);
        Document doc = xml.parse(h.messageXml().getBytes(StandardCharsets.UTF_8));
        Instant now = clock.instant();
        // the message is created when it leaves: the partner checks freshness against this
        Element created = (Element) doc.getElementsByTagNameNS(ExchangeCodec.NS, "Created").item(0);
        created.setTextContent(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.ofInstant(now.truncatedTo(ChronoUnit.MILLIS),
                ZoneOffset.UTC)));
        List<FreeTextGuard.Finding> masked = how == HeldStore.Mode.MASK ? minimisation.mask(doc) : List.of();
        String detail = (how == HeldStore.Mode.MASK ? "released with masking (" + masked.size() + " masked)" : "released as-is") + " by "
                + officer + (h.decidedAt() == null ? "" : ", decided " + h.decidedAt()) + "; held since " + h.heldAt() + "; "
                + HeldStore.describe(h.findings());
        AuditEvent event = AuditEvent.ok("held-released", officer, h.partnerId(), h.messageId(), h.caseId(), detail)
                .withLegal(h.legalBasis(), h.purpose());
        return new Prepared(h, partner, doc, officer, how, new org.cmag.flow.OutboundMessage.HeldRelease(expected, officer, how, now, event));
    }

    /** An officer's release recorded outside the running gateway (CLI on the database): the gateway sends it. */
    public void approve(String messageId, String by, HeldStore.Mode mode) {
        Held h = store.require(messageId);
        store.approveRelease(messageId, by, mode, clock.instant(), AuditEvent.ok("held-release-approved", by, h.partnerId(), messageId,
                h.caseId(), (mode == HeldStore.Mode.MASK ? "release with masking" : "release as-is") + " approved by " + by
                        + "; the gateway seals and queues it"));
    }

    /** An officer's rejection: the message is never sent. */
    public void reject(String messageId, String by, String reason) {
        Held h = store.require(messageId);
        store.reject(messageId, by, reason, clock.instant(), AuditEvent.rejected("held-rejected", by, h.partnerId(), messageId, h.caseId(),
                null, "rejected by " + by + ": " + reason));
    }

    /** A release that could not be sent permanently goes back to HELD for an officer (audited). */
    public void releaseFailed(String messageId, GatewayException e) {
        Held h = store.find(messageId).orElse(null);
        if (h != null) {
            store.returnToHeld(messageId, AuditEvent.rejected("held-release-failed", "gateway", h.partnerId(), messageId, h.caseId(),
                    e.errorCode().code(), e.detail() + "; back to HELD"));
        }
    }

    public HeldStore store() {
        return store;
    }

    /** One held message as JSON; with {@code flaggedText} the officer's view (the text of each flagged element). */
    public ObjectNode json(Held h, boolean flaggedText) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("messageId", h.messageId()).put("caseId", h.caseId()).put("partner", h.partnerId()).put("messageType", h.messageType())
                .put("requestType", h.requestType()).put("legalBasis", h.legalBasis()).put("purpose", h.purpose()).put("status", h.status())
                .put("heldAt", h.heldAt().toString()).put("submittedBy", h.submittedBy());
        if (h.decidedBy() != null) {
            o.put("decidedBy", h.decidedBy()).put("decidedAt", h.decidedAt().toString());
        }
        if (h.mode() != null) {
            o.put("releaseMode", h.mode().name());
        }
        if (h.reason() != null) {
            o.put("reason", h.reason());
        }
        Document doc = flaggedText ? xml.parse(h.messageXml().getBytes(StandardCharsets.UTF_8)) : null;
        var list = o.putArray("findings");
        for (HeldStore.Finding f : h.findings()) {
            ObjectNode fo = list.addObject().put("pointer", f.pointer()).put("element", f.element()).put("kind", f.kind());
            if (doc != null) {
                FreeTextGuard.resolve(doc, f.pointer()).ifPresent(e -> fo.put("text", e.getTextContent()));
            }
        }
        return o;
    }
}
