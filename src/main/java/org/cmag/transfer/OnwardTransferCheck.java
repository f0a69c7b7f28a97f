package org.cmag.transfer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.ReceivedDataRegister;
import org.cmag.store.ReceivedDataRegister.Consent;
import org.cmag.store.ReceivedDataRegister.Received;
import org.w3c.dom.Node;

/**
 * Use limitation on what leaves (DOMAIN.md §8): declaration data received from one administration goes to another
 * only with the prior consent of the supplying administration. A declaration in an outgoing message whose ID or
 * FunctionalReferenceID the received-data register holds from partner Y may go to partner X (X ≠ Y) only under a
 * granting consent of Y for X and the message that carried it; back to Y it may always go. Refusals name the element
 * and where the data came from, never the value.
 */
public final class OnwardTransferCheck {
    private final ReceivedDataRegister register;

    public OnwardTransferCheck(ReceivedDataRegister register) {
        this.register = register;
    }

    /** A transfer of received data that a consent allowed. */
    public record Permitted(String pointer, Received received, Consent consent) {
        /** An audit line: what, from where, under which consent (no values). */
        public String describe() {
            return pointer + " received from " + received.partnerId() + " in " + received.messageId() + " (" + received.onwardTransfer()
                    + ") passed on under " + consent.kind().toLowerCase(java.util.Locale.ROOT) + " consent " + consent.consentId()
                    + (consent.decisionMessageId() == null ? "" : " (decision " + consent.decisionMessageId() + ")")
                    + (consent.reference() == null ? "" : " (reference " + consent.reference() + ")");
        }
    }

    /**
     * Checks an outgoing message for {@code recipient} before it is signed.
     *
     * @return the transfers of received data that consents allowed (empty when the message carries none)
     * @throws GatewayException {@code onward_transfer_not_permitted} for the first declaration reference that may not go
     */
    public List<Permitted> check(Node message, String recipient) {
        List<DeclarationReferences.Reference> refs = DeclarationReferences.of(message);
        if (refs.isEmpty()) {
            return List.of();
        }
        Map<String, List<Received>> byValue = new LinkedHashMap<>();
        for (Received r : register.findByReference(refs.stream().map(DeclarationReferences.Reference::value).distinct().toList())) {
            byValue.computeIfAbsent(r.reference(), k -> new ArrayList<>()).add(r);
        }
        List<Permitted> permitted = new ArrayList<>();
        for (DeclarationReferences.Reference ref : refs) {
            for (Received r : byValue.getOrDefault(ref.value(), List.of())) {
                if (r.partnerId().equals(recipient)) {
                    continue; // back to the administration that supplied it
                }
                Optional<Consent> consent = register.grantingConsent(r.partnerId(), recipient, r.messageId());
                if (consent.isEmpty()) {
                    throw new GatewayException(ErrorCode.ONWARD_TRANSFER_NOT_PERMITTED, "The declaration reference at " + ref.pointer()
                            + " was received from " + r.partnerId() + " in message " + r.messageId() + " (case " + r.caseId()
                            + ", onward transfer " + r.onwardTransfer() + "); " + r.partnerId() + " has not consented to passing it to "
                            + recipient + ". Ask for consent with a CONSENT_REQUEST (use ONWARD_TRANSFER, recipient " + recipient
                            + ", messageRef " + r.messageId() + ") or have a legal officer record a written consent", ref.pointer());
                }
                permitted.add(new Permitted(ref.pointer(), r, consent.get()));
            }
        }
        return permitted;
    }
}
