package org.cmag.evidence;

/**
 * The evidence export behind {@code GET /api/v1/audit/cases/{id}/bundle} and the console's "Export evidence" button:
 * the signed evidence bundle of one case as the bytes of a ZIP, exported by {@code officer} (the gateway binds it to
 * {@link BundleWriter#bytes}). Throws {@link org.cmag.error.GatewayException} with a coded reason (for instance
 * {@code evidence_not_found}) when there is nothing to export.
 */
@FunctionalInterface
public interface EvidenceExport {
    byte[] caseBundle(String caseId, String officer);
}
