package org.cmag.crypto;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * How a partner's certificates are checked for revocation, from the agreement's {@code security.revocation} block.
 *
 * @param crlFiles CRL files (names in the PKI directory) that cover the partner's issuers
 * @param distributionPoints whether the certificates' own CRL distribution points ({@code file:}, {@code http:}) are used
 * @param ocsp the OCSP responder: null for none, {@link #OCSP_FROM_AIA} for the certificate's authority information
 *        access, otherwise the responder URL
 * @param onUnavailable what happens when no fresh revocation answer can be had
 */
public record RevocationSettings(List<String> crlFiles, boolean distributionPoints, URI ocsp, OnUnavailable onUnavailable) {
    /** Marker URI: take the OCSP responder from the certificate's authority information access extension. */
    public static final URI OCSP_FROM_AIA = URI.create("urn:cmag:ocsp-from-aia");

    /** What to do when the CRL or OCSP source cannot be reached or the CRL is stale. */
    public enum OnUnavailable {
        /** Refuse the certificate with {@code revocation_unavailable} (the default: fail closed). */
        FAIL,
        /** Use the certificate, log and audit a {@code revocation-soft-fail} warning. */
        ACCEPT_WITH_WARNING
    }

    /** Distribution points only, fail closed. */
    public static final RevocationSettings DEFAULT = new RevocationSettings(List.of(), true, null, OnUnavailable.FAIL);

    public RevocationSettings {
        crlFiles = List.copyOf(crlFiles);
        Objects.requireNonNull(onUnavailable, "onUnavailable");
    }
}
