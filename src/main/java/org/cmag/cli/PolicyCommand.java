package org.cmag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.gateway.KeyRing;
import org.cmag.policy.AgreementTerms;
import org.cmag.policy.Minimisation;
import org.cmag.policy.Minimiser;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.wco.DeclarationTranslator;
import org.cmag.wco.WcoDecReader;
import org.cmag.wco.WcoPaths;
import org.w3c.dom.Element;

/** {@code policy check|explain}: agreement files offline, and the disclosure preview legal officers ask for. */
final class PolicyCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar policy check [DIR] [--certificates PKI-DIR]
              java -jar target/cmag.jar policy explain --partner ID --type REQUEST_TYPE [--purpose CODE] --in FILE [--as OWN-ID]
                                                       [--format wco-dec|national-json] [--wco-schemas DIR]

            check    validates every agreement file in DIR (default: the packaged policies/partners) as the gateway
                     does at start-up; exit 0 when all are valid, 2 with the file, line and field of the first error.
                     Warns about an agreement that expires within 30 days or has expired.
              --certificates PKI-DIR   also checks the certificates in PKI-DIR as the gateway does at start-up: each
                     alias exists and matches its pinned sha256, chains to the partner's trust anchors and has a
                     revocation source (without it, certificates are checked for syntax only)
            explain  shows what would leave the country if the declaration in FILE were sent to the partner with a
                     request of this type: every data element with its action (keep, drop, mask, pseudonymise,
                     generalise) and the rule that decided it, then the resulting payload. The pseudonyms shown are
                     computed with a preview key, not the gateway's.
              --purpose CODE  the agreement purpose the request would name (rules may be bound to purposes);
                              without it, the rules not bound to a purpose apply
              --as OWN-ID   our administration (default NL); its own file is skipped
            """;

    private final PrintStream out;
    private final Clock clock;

    PolicyCommand(PrintStream out) {
        this(out, Clock.systemUTC());
    }

    PolicyCommand(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--partner", "--type", "--purpose", "--in", "--as", "--format", "--wco-schemas",
                "--certificates"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        return switch (args.positional().get(0)) {
            case "check" -> check(args);
            case "explain" -> explain(args);
            default -> throw new Args.UsageException("policy takes check or explain, not '" + args.positional().get(0) + "'");
        };
    }

    private int check(Args args) {
        Path dir = args.positional().size() > 1 ? Path.of(args.positional().get(1)) : null;
        PartnerRegistry registry = PartnerRegistry.load(dir, "", k -> null);
        String pki = args.get("--certificates", null);
        if (pki != null) {
            for (Partner p : registry.all()) {
                KeyRing.partnerCertificates(p, Path.of(pki));
            }
        }
        LocalDate today = AgreementTerms.day(clock.instant());
        for (Partner p : registry.all()) {
            out.println("ok  " + p.source() + "  partner " + p.id() + ", agreement " + p.agreementId() + " v" + p.agreementVersion()
                    + " (" + AgreementTerms.period(p) + "), " + p.requestTypes().size() + " request types, sha256 " + p.policyDigest());
        }
        for (Partner p : registry.all()) {
            if (p.validUntil() != null && p.validUntil().isBefore(today)) {
                out.println("warn " + p.source() + "  agreement " + p.agreementId() + " expired on " + p.validUntil());
            } else if (p.validUntil() != null && !p.validUntil().isAfter(today.plusDays(30))) {
                out.println("warn " + p.source() + "  agreement " + p.agreementId() + " expires on " + p.validUntil() + ", in "
                        + ChronoUnit.DAYS.between(today, p.validUntil()) + " day(s)");
            } else if (p.validFrom().isAfter(today)) {
                out.println("note " + p.source() + "  agreement " + p.agreementId() + " is not yet in force (from " + p.validFrom() + ")");
            }
        }
        out.println(registry.all().size() + " agreement(s) valid" + (pki == null ? "; certificates not checked (no --certificates)"
                : "; certificates found and matching in " + pki));
        return 0;
    }

    private int explain(Args args) {
        String own = args.get("--as", "NL");
        Partner partner = PartnerRegistry.load(null, own, k -> null).require(args.require("--partner"), ErrorCode.UNKNOWN_PARTNER);
        String type = args.require("--type");
        if (!partner.requestTypes().contains(type)) {
            throw new GatewayException(ErrorCode.REQUEST_TYPE_NOT_PERMITTED, "Agreement " + partner.agreementId() + " does not permit " + type);
        }
        String purpose = args.get("--purpose", null);
        if (purpose != null && !partner.purposes().containsKey(purpose)) {
            throw new GatewayException(ErrorCode.PURPOSE_NOT_PERMITTED, "Agreement " + partner.agreementId() + " covers the purposes "
                    + new java.util.TreeSet<>(partner.purposes().keySet()) + ", not " + purpose);
        }
        Path in = Path.of(args.require("--in"));
        byte[] input;
        try {
            input = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new Args.UsageException("cannot read " + in + ": " + e.getMessage());
        }
        String format = args.get("--format", in.toString().endsWith(".json") ? "national-json" : "wco-dec");
        SecureXml xml = new SecureXml();
        WcoPaths paths = WcoPaths.load();
        String dir = args.get("--wco-schemas", System.getenv("GATEWAY_WCO_SCHEMA_DIR"));
        DeclarationTranslator translator = new DeclarationTranslator(
                format.equals("wco-dec") ? new WcoDecReader(dir == null ? null : Path.of(dir), xml, paths) : null, paths, xml);
        Element declaration;
        if (format.equals("wco-dec")) {
            declaration = translator.fromWcoDec(input).declaration();
        } else {
            try {
                declaration = translator.fromNationalJson(new ObjectMapper().readTree(input), "").declaration();
            } catch (IOException e) {
                throw new GatewayException(ErrorCode.MALFORMED_JSON, "The declaration is not well-formed JSON: " + e.getMessage(), "");
            }
        }
        byte[] previewKey = ("policy-explain-preview-key-" + partner.agreementId()).getBytes(StandardCharsets.UTF_8);
        List<Minimiser.Decision> decisions = new Minimiser(paths, previewKey).apply(declaration, partner.fieldRules(type, purpose),
                partner.agreementId());
        new ExchangeCodec().validate(declaration);
        out.println("Disclosure preview: " + type + " to " + partner.id() + " under agreement " + partner.agreementId() + " v"
                + partner.agreementVersion() + " (sha256 " + partner.policyDigest() + ")");
        out.println("Purpose: " + (purpose == null ? "none given (rules not bound to a purpose)" : purpose + " - " + partner.purposes().get(purpose)));
        out.println("Handling: " + partner.handling().confidentialityClass() + ", onward transfer " + partner.handling().onwardTransfer()
                + ", evidence use " + partner.handling().evidenceUse() + ", retention " + partner.retentionYears() + " years");
        out.printf("%-13s %-22s %-75s %s%n", "ACTION", "WCO POINTER", "ELEMENT", "DECIDED BY");
        for (Minimiser.Decision d : decisions) {
            out.printf("%-13s %-22s %-75s %s%n", d.action(), d.pointer(), d.path(), d.rule());
        }
        out.println("Summary: " + Minimisation.summary(decisions));
        out.println("Payload that would leave the country:");
        out.println(new String(xml.serialize(declaration), StandardCharsets.UTF_8));
        return 0;
    }
}
