package org.cmag.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.Envelope;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code message seal|open}: the gateway's crypto steps on files, for diagnostics and partner onboarding tests. */
final class MessageCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar message seal --from NL --to DE --in FILE --out FILE [--pki DIR]
              java -jar target/cmag.jar message open --as DE --in FILE [--pki DIR]

            seal  validates an exchange message (urn:cmag:exchange:1) whose header names FROM as sender and TO
                  as receiver, signs it with FROM's development signing key (enveloped, exc-c14n, the algorithm of
                  the FROM-TO agreement) and encrypts its Body for TO's encryption certificate.
            open  decrypts a sealed message with AS's key, verifies the signature against the sender's registered
                  certificate (never a key from the message), validates it against the schema, and prints the
                  signer, the algorithms and each check. Exit 0 when every check passes, 1 with the error code
                  otherwise, 2 on bad usage.

              --pki DIR   development PKI directory (default data/pki; generated there when missing)
            The algorithms come from the partner agreements packaged under policies/partners.
            """;

    private final PrintStream out;
    private final PrintStream err;

    MessageCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--from", "--to", "--as", "--in", "--out", "--pki"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        return switch (args.positional().get(0)) {
            case "seal" -> seal(args);
            case "open" -> open(args);
            default -> throw new Args.UsageException("message takes seal or open, not '" + args.positional().get(0) + "'");
        };
    }

    private int seal(Args args) {
        String from = args.require("--from");
        String to = args.require("--to");
        byte[] input = read(args.require("--in"));
        Path outFile = Path.of(args.require("--out"));
        Clock clock = Clock.systemUTC();
        DevPki pki = pki(args, clock, List.of(from, to));
        Partner partner = PartnerRegistry.load(null, from, k -> null).require(to, ErrorCode.UNKNOWN_PARTNER);
        SecureXml xml = new SecureXml();
        XmlSecurity security = new XmlSecurity(clock);
        ExchangeCodec codec = new ExchangeCodec();
        Document doc = xml.parse(input);
        ExchangeMessageType message = codec.readMessage(doc.getDocumentElement());
        if (!from.equals(message.getHeader().getSender().getAuthorityID()) || !to.equals(message.getHeader().getReceiver().getAuthorityID())) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "The header names sender " + message.getHeader().getSender().getAuthorityID()
                    + " and receiver " + message.getHeader().getReceiver().getAuthorityID() + ", not " + from + " and " + to);
        }
        OwnKeys own = pki.loadOwn(from);
        security.sign(doc, own, partner.security());
        Element body = (Element) doc.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
        security.encrypt(doc, body, pki.loadPartner(to, partner.security()).encryptionCertificate(), partner.security());
        write(outFile, xml.serialize(doc));
        out.println("sealed " + message.getHeader().getMessageID() + " from " + from + " to " + to + ": " + partner.security()
                + " -> " + outFile);
        return 0;
    }

    private int open(Args args) {
        String as = args.require("--as");
        byte[] input = read(args.require("--in"));
        Clock clock = Clock.systemUTC();
        SecureXml xml = new SecureXml();
        XmlSecurity security = new XmlSecurity(clock);
        ExchangeCodec codec = new ExchangeCodec();
        try {
            Document doc = xml.parse(input);
            out.println("check parse           ok (" + input.length + " bytes, no DTD/entities)");
            Envelope env = Envelope.read(doc.getDocumentElement());
            out.println("check envelope        ok (message " + env.messageId() + ", claims sender " + env.senderId() + ", receiver "
                    + env.receiverId() + ")");
            if (!as.equals(env.receiverId())) {
                throw new GatewayException(ErrorCode.WRONG_RECEIVER, "The message is addressed to " + env.receiverId() + ", not " + as);
            }
            Partner partner = PartnerRegistry.load(null, as, k -> null).require(env.senderId(), ErrorCode.UNKNOWN_SENDER);
            out.println("check partner         ok (" + partner.id() + ", agreement " + partner.agreementId() + ", allow-list "
                    + partner.security() + ")");
            DevPki pki = pki(args, clock, List.of(as, partner.id()));
            security.decrypt(doc, pki.loadOwn(as), partner.security());
            out.println("check decrypt         ok (" + partner.security().content() + ", key transport " + partner.security().keyTransport() + ")");
            PartnerCertificates certs = pki.loadPartner(partner.id(), partner.security());
            Element verified = security.verify(doc, certs.signingCertificate(), partner.security());
            out.println("check signature       ok (" + partner.security().signature() + ", signer "
                    + certs.signingCertificate().getSubjectX500Principal().getName() + ", serial "
                    + certs.signingCertificate().getSerialNumber().toString(16) + ")");
            ExchangeMessageType message = codec.readMessage(verified);
            out.println("check schema          ok (urn:cmag:exchange:1)");
            if (!partner.id().equals(message.getHeader().getSender().getAuthorityID())) {
                throw new GatewayException(ErrorCode.SENDER_MISMATCH, "Signed header names sender " + message.getHeader().getSender().getAuthorityID());
            }
            out.println("check signed header   ok (sender " + partner.id() + ", type " + message.getHeader().getMessageType().value()
                    + ", case " + message.getHeader().getConversationID() + ")");
            out.println("OPENED " + message.getHeader().getMessageID());
            return 0;
        } catch (GatewayException e) {
            out.println("FAILED " + e.errorCode().code() + ": " + e.detail() + (e.pointer() == null ? "" : " [at " + e.pointer() + "]"));
            err.println("error " + e.errorCode().code());
            return 1;
        }
    }

    private static DevPki pki(Args args, Clock clock, List<String> ids) {
        DevPki pki = new DevPki(Path.of(args.get("--pki", "data/pki")), clock, "changeit".toCharArray());
        pki.ensure(ids);
        return pki;
    }

    private static byte[] read(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new Args.UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new Args.UsageException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
