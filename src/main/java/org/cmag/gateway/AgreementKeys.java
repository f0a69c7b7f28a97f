package org.cmag.gateway;

import java.security.PublicKey;
import java.util.Optional;
import org.cmag.crypto.KeyTransportAlgorithm;
import org.cmag.crypto.KeyType;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.SignatureAlgorithm;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;

/**
 * Start-up check that every agreement's algorithms can be used with the keys at hand: the partner's registered
 * certificates hold keys of the kinds the agreement's algorithms need, and we hold the matching own keys. A
 * mismatch stops the gateway with a configuration error naming the agreement file and field; nothing is found
 * out only when the first message fails.
 */
final class AgreementKeys {
    private AgreementKeys() {
    }

    static void check(Partner partner, PartnerCertificates certs, OwnKeys own, String keystore) {
        SecurityProfile p = partner.security();
        SignatureAlgorithm signature = p.signature();
        KeyTransportAlgorithm transport = p.keyTransport();

        PublicKey signer = certs.signingCertificate().getPublicKey();
        Optional<KeyType> signerType = KeyType.of(signer);
        if (signerType.isEmpty() || signerType.get() != signature.keyType()) {
            throw partner.signingCertificate().problem("names " + partner.signingCertificateFile() + ", which holds an "
                    + KeyType.describe(signer) + " key, but field security.signature " + signature.name() + " needs an "
                    + signature.keyType().label() + " key");
        }
        PublicKey recipient = certs.encryptionCertificate().getPublicKey();
        Optional<KeyType> recipientType = KeyType.of(recipient);
        if (recipientType.isEmpty() || !transport.keyTypes().contains(recipientType.get())) {
            throw partner.encryptionCertificate().problem("names " + partner.encryptionCertificateFile() + ", which holds an "
                    + KeyType.describe(recipient) + " key, but field security.keyTransport " + transport.name() + " needs an "
                    + labels(transport) + " key");
        }
        if (own.signing(signature.keyType()).isEmpty()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, partner.source() + ": field security.signature " + signature.name()
                    + " needs our " + signature.keyType().label() + " signing key, but keystore " + keystore
                    + " has no entry '" + signature.keyType().signingAlias() + "'");
        }
        if (transport.keyTypes().stream().noneMatch(t -> own.encryption(t).isPresent())) {
            throw new GatewayException(ErrorCode.CONFIGURATION, partner.source() + ": field security.keyTransport " + transport.name()
                    + " needs our " + labels(transport) + " encryption key, but keystore " + keystore + " has no entry '"
                    + transport.keyTypes().get(0).encryptionAlias().orElseThrow() + "'");
        }
    }

    private static String labels(KeyTransportAlgorithm transport) {
        return String.join(" or ", transport.keyTypes().stream().map(KeyType::label).toList());
    }
}
