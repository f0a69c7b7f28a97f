package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.cmag.crypto.ContentEncryptionAlgorithm;
import org.cmag.crypto.DigestAlgorithm;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.KeyTransportAlgorithm;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.SignatureAlgorithm;
import org.cmag.crypto.XmlSecurity;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.policy.Partner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Two real gateways whose agreements (a test policies directory: the shipped DE/NL files with another
 * {@code security:} block) name elliptic-curve algorithms: requests, receipts and rejections under ECDSA P-256,
 * AES-128-GCM and RSA-OAEP (xmlenc11) or ECDH-ES; and a gateway whose agreement does not fit the partner's
 * registered certificate does not start.
 */
class AlgorithmProfilesE2eTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    /** Copies the shipped agreements into {@code root/policies} with {@code security} replaced (IDs substituted for %s). */
    private Path policies(String signature, String digest, String content, String keyTransport, String signingCert,
            String encryptionCert) throws IOException {
        Path dir = Files.createDirectories(root.resolve("policies"));
        for (String id : new String[] {"DE", "NL"}) {
            String yaml = Files.readString(Path.of("policies/partners/" + id + ".yaml"));
            int from = yaml.indexOf("\nsecurity:\n") + 1;
            int to = yaml.indexOf("\nhandling:\n") + 1;
            assertThat(yaml.substring(from, to)).contains("  signature: RSA_SHA256\n").contains("    signing: " + id + "-signing.crt\n");
            Files.writeString(dir.resolve(id + ".yaml"), yaml.substring(0, from) + "security:\n  signature: " + signature
                    + "\n  digest: " + digest + "\n  content: " + content + "\n  keyTransport: " + keyTransport
                    + "\n  certificates:\n    signing: " + signingCert.formatted(id) + "\n    encryption: "
                    + encryptionCert.formatted(id) + "\n  trustAnchors: [ca.crt]\n  revocation:\n    crls: [ca.crl]\n" + yaml.substring(to));
        }
        return dir;
    }

    @ParameterizedTest
    @CsvSource({
        "ECDSA_SHA256, SHA256, AES128_GCM, RSA_OAEP_11, %s-signing-ec-p256.crt, %s-encryption.crt",
        "ECDSA_SHA256, SHA256, AES128_GCM, ECDH_ES_KW_AES128, %s-signing-ec-p256.crt, %s-encryption-ec-p256.crt",
    })
    void aRequestIsSealedDeliveredAndReceiptedUnderTheAgreedAlgorithmsAndOthersAreRejected(String signature, String digest,
            String content, String keyTransport, String signingCert, String encryptionCert) throws Exception {
        Path policies = policies(signature, digest, content, keyTransport, signingCert, encryptionCert);
        SecurityProfile agreed = new SecurityProfile(SignatureAlgorithm.valueOf(signature), DigestAlgorithm.valueOf(digest),
                ContentEncryptionAlgorithm.valueOf(content), KeyTransportAlgorithm.valueOf(keyTransport));
        byte[] example;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        try (GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString())).start(Partner.Channel.REST);
             NationalQueue deNational = new NationalQueue(pair.de())) {
            assertThat(pair.nl().registry().require("DE", ErrorCode.UNKNOWN_PARTNER).security()).isEqualTo(agreed);
            assertThat(pair.de().registry().require("NL", ErrorCode.UNKNOWN_PARTNER).security()).isEqualTo(agreed);

            HttpResponse<String> r = pair.submit(example);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            String id = GatewayPair.acceptedMessageId(r).orElseThrow();

            NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
            assertThat(delivered).isNotNull();
            assertThat(delivered.messageId()).isEqualTo(id);
            assertThat(delivered.xml()).contains("Fahrradteile Export GmbH");
            await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
            // DE's receipt is signed with DE's EC key and verified by NL against DE's registered EC certificate
            assertThat(pair.nl().outbound().receipt(id)).get().asString().contains(agreed.signature().uri())
                    .contains(agreed.digest().uri()).contains(id);
            assertThat(pair.nl().audit().forMessage(id)).extracting(rec -> rec.event().type()).contains("receipt-verified");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pair.de().audit().forMessage(id))
                    .extracting(rec -> rec.event().type()).contains("message-decrypted", "signature-verified", "national-queued"));

            // what NL's gateway puts on the wire for DE carries exactly the agreed identifiers
            Sealing sealing = new Sealing(pair.nl());
            String wire = sealing.serialize(sealing.seal(sealing.message(example)));
            assertThat(wire).contains("Algorithm=\"" + agreed.signature().uri() + "\"").contains("Algorithm=\"" + agreed.content().uri() + "\"")
                    .contains("Algorithm=\"" + agreed.keyTransport().uri() + "\"").doesNotContain("rsa-sha256");
            if (agreed.keyTransport().isKeyAgreement()) {
                assertThat(wire).contains(KeyTransportAlgorithm.ECDH_ES).doesNotContain("rsa-oaep");
            }

            // a message NL seals under the shipped RSA profile instead is refused by DE: algorithm_not_allowed
            ExchangeMessageType message = sealing.message(example);
            Document doc = new ExchangeCodec().toDocument(message, new org.cmag.crypto.SecureXml().newDocument());
            XmlSecurity security = new XmlSecurity(Clock.systemUTC());
            security.sign(doc, pair.nl().keys().own(), SecurityProfile.DEFAULT);
            Element body = (Element) doc.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
            security.encrypt(doc, body, KeyStores.readPem(root.resolve("pki/DE-encryption.crt")), SecurityProfile.DEFAULT);
            int before = pair.de().inbound().countRejections("algorithm_not_allowed");
            HttpResponse<String> refused = pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                    sealing.serialize(doc).getBytes(StandardCharsets.UTF_8));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(200);
            await().atMost(WAIT).until(() -> pair.de().inbound().countRejections("algorithm_not_allowed"), n -> n == before + 1);
            assertThat(deNational.receive(500)).isNull();
            assertThat(pair.de().audit().forMessage(message.getHeader().getMessageID()))
                    .filteredOn(rec -> rec.event().type().equals("message-rejected")).singleElement()
                    .satisfies(rec -> assertThat(rec.event().errorCode()).isEqualTo("algorithm_not_allowed"));
        }
    }

    @Test
    void anAgreementWhoseSignatureAlgorithmDoesNotFitTheRegisteredCertificateStopsTheGateway() throws Exception {
        // ECDSA P-256 agreed, but the agreement registers the partner's RSA signing certificate
        Path policies = policies("ECDSA_SHA256", "SHA256", "AES128_GCM", "RSA_OAEP_11", "%s-signing.crt", "%s-encryption.crt");
        GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString()));
        try {
            assertThatThrownBy(() -> pair.start(Partner.Channel.REST)).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                assertThat(e.detail()).containsPattern("NL.yaml:\\d+: field security.certificates.signing names").contains("names NL-signing.crt")
                        .contains("RSA-2048").contains("security.signature ECDSA_SHA256 needs an EC P-256 key");
            });
        } finally {
            pair.close();
        }
    }

    @Test
    void anAgreementWhoseKeyAgreementDoesNotFitTheRegisteredCertificateStopsTheGateway() throws Exception {
        Path policies = policies("RSA_SHA256", "SHA256", "AES128_GCM", "ECDH_ES_KW_AES128", "%s-signing.crt", "%s-encryption.crt");
        GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString()));
        try {
            assertThatThrownBy(() -> pair.start(Partner.Channel.REST)).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                assertThat(e.detail()).containsPattern("NL.yaml:\\d+: field security.certificates.encryption names").contains("names NL-encryption.crt")
                        .contains("security.keyTransport ECDH_ES_KW_AES128 needs an EC P-256 or EC P-384 key");
            });
        } finally {
            pair.close();
        }
    }
}
