package org.cmag.evidence;

/**
 * The evidence export behind {@code GET /api/v1/audit/cases/{id}/bundle} and the console's "Export evidence" button:
 * the signed evidence bundle of one case as the bytes of a ZIP (implemented over the bundle writer; bound as the
 * gateway's {@code evidenceExport}). Throws {@link org.cmag.error.GatewayException} with a coded reason (for instance
 * {@code case_unknown}) when there is nothing to export.
 */
@FunctionalInterface
public interface EvidenceExport {
    byte[] caseBundle(String caseId);
}
