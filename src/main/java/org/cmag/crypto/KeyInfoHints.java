package org.cmag.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a signature's {@code ds:KeyInfo} says about its signer - {@code X509IssuerSerial}, {@code X509SKI} or an
 * {@code X509Certificate} (compared by the SHA-256 of its bytes, never parsed) - used only to select among the
 * partner's registered certificates. A hint is never trusted by itself: one that names no registered certificate is
 * {@code certificate_untrusted}. Other KeyInfo content is ignored and never resolved.
 */
final class KeyInfoHints {
    private static final String DS = XmlSecurity.DSIG_NS;
    private static final int MAX_HINTS = 16;

    private record Hint(String description, X500Principal issuer, BigInteger serial, byte[] ski, byte[] sha256) {
        boolean matches(X509Certificate c) {
            if (issuer != null) {
                return issuer.equals(c.getIssuerX500Principal()) && serial.equals(c.getSerialNumber());
            }
            if (ski != null) {
                byte[] own = subjectKeyIdentifier(c);
                return own != null && Arrays.equals(own, ski);
            }
            return Arrays.equals(sha256, KeyInfoHints.sha256(c));
        }
    }

    private final List<Hint> hints;

    private KeyInfoHints(List<Hint> hints) {
        this.hints = hints;
    }

    /** The hints of the ds:KeyInfo child of {@code signature} (none when it has no KeyInfo). */
    static KeyInfoHints of(Element signature) {
        List<Hint> hints = new ArrayList<>();
        for (Element keyInfo : children(signature, "KeyInfo")) {
            for (Element data : children(keyInfo, "X509Data")) {
                for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (!(n instanceof Element e) || !DS.equals(e.getNamespaceURI())) {
                        continue;
                    }
                    Hint h = switch (e.getLocalName()) {
                        case "X509IssuerSerial" -> issuerSerial(e);
                        case "X509SKI" -> new Hint("X509SKI " + e.getTextContent().trim(), null, null, base64(e), null);
                        case "X509Certificate" -> new Hint("X509Certificate with SHA-256 " + java.util.HexFormat.of().formatHex(digest(base64(e))),
                                null, null, null, digest(base64(e)));
                        default -> null;
                    };
                    if (h != null) {
                        hints.add(h);
                    }
                    if (hints.size() > MAX_HINTS) {
                        throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:KeyInfo carries more than " + MAX_HINTS
                                + " certificate references");
                    }
                }
            }
        }
        return new KeyInfoHints(List.copyOf(hints));
    }

    boolean isEmpty() {
        return hints.isEmpty();
    }

    /**
     * The one registered certificate every hint names.
     *
     * @throws GatewayException CERTIFICATE_UNTRUSTED when a hint names no registered certificate or the hints disagree
     */
    X509Certificate select(List<X509Certificate> registered) {
        Set<X509Certificate> common = new LinkedHashSet<>(registered);
        for (Hint h : hints) {
            List<X509Certificate> named = registered.stream().filter(h::matches).toList();
            if (named.isEmpty()) {
                throw new GatewayException(ErrorCode.CERTIFICATE_UNTRUSTED, "The signature's ds:KeyInfo names a certificate ("
                        + h.description() + ") that is not among the sender's " + registered.size() + " registered signing certificate(s)");
            }
            common.retainAll(named);
        }
        if (common.size() != 1) {
            throw new GatewayException(ErrorCode.CERTIFICATE_UNTRUSTED,
                    "The signature's ds:KeyInfo references do not name one registered signing certificate");
        }
        return common.iterator().next();
    }

    private static Hint issuerSerial(Element e) {
        String name = null;
        String serial = null;
        for (Element c : children(e, null)) {
            if ("X509IssuerName".equals(c.getLocalName())) {
                name = c.getTextContent().trim();
            } else if ("X509SerialNumber".equals(c.getLocalName())) {
                serial = c.getTextContent().trim();
            }
        }
        try {
            if (name == null || serial == null || serial.length() > 100) {
                throw new IllegalArgumentException("incomplete");
            }
            return new Hint("X509IssuerSerial " + name + " / " + serial, new X500Principal(name), new BigInteger(serial), null, null);
        } catch (IllegalArgumentException ex) {
            throw new GatewayException(ErrorCode.CERTIFICATE_UNTRUSTED, "The signature's ds:KeyInfo/ds:X509Data/ds:X509IssuerSerial "
                    + "is not a readable issuer name and serial number");
        }
    }

    private static byte[] base64(Element e) {
        try {
            return Base64.getMimeDecoder().decode(e.getTextContent().trim());
        } catch (IllegalArgumentException ex) {
            throw new GatewayException(ErrorCode.CERTIFICATE_UNTRUSTED, "The signature's ds:KeyInfo/ds:X509Data/ds:" + e.getLocalName()
                    + " is not base64");
        }
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && DS.equals(e.getNamespaceURI()) && (localName == null || localName.equals(e.getLocalName()))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The key identifier of the certificate's subjectKeyIdentifier extension, or null. */
    static byte[] subjectKeyIdentifier(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ext == null) {
            return null;
        }
        try {
            return ASN1OctetString.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext)).getOctets();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] sha256(X509Certificate c) {
        try {
            return digest(c.getEncoded());
        } catch (CertificateEncodingException e) {
            return new byte[0];
        }
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
