package org.cmag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.wco.DeclarationTranslator;
import org.cmag.wco.Unmapped;
import org.cmag.wco.WcoDecReader;
import org.cmag.wco.WcoPaths;

/** {@code translate}: declaration data (WCO DEC-DMS or national JSON) to the exchange payload. */
final class TranslateCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar translate --in FILE [--format wco-dec|wco-res|national-json] [--wco-schemas DIR]
                                                       [--to exchange|national-json]

            Translates one declaration (or a WCO RES response) into the WCO-aligned exchange payload (a
            urn:cmag:exchange:1 Declaration or Response, valid against schemas/) on stdout. Every input element is either carried or listed on stderr as
            unmapped, with its WCO pointer (class IDs, ':' element ID) and input path. Exit 0 on success; exit 2
            with the error code, line/column and WCO pointer on stderr when the input is not well-formed or not
            valid against the WCO schema set.

              --format F        wco-dec (a DEC-DMS MetaData document; default for .xml), wco-res (a RES-DMS
                                notification) or national-json (schemas/national/declaration.schema.json;
                                default for .json)
              --wco-schemas DIR the WCO schema set you hold: the DEC-DMS directory for wco-dec (default
                                $GATEWAY_WCO_SCHEMA_DIR), the RES-DMS (notification) directory for wco-res
              --to T            exchange (default) or national-json: print the national JSON form of a WCO DEC
                                declaration instead
            """;

    private final PrintStream out;
    private final PrintStream err;

    TranslateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--in", "--format", "--wco-schemas", "--to"), Set.of());
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        Path in = Path.of(args.require("--in"));
        String format = args.get("--format", in.toString().endsWith(".json") ? "national-json" : "wco-dec");
        if (!format.equals("wco-dec") && !format.equals("wco-res") && !format.equals("national-json")) {
            throw new Args.UsageException("--format takes wco-dec, wco-res or national-json, not '" + format + "'");
        }
        String to = args.get("--to", "exchange");
        byte[] input;
        try {
            input = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new Args.UsageException("cannot read " + in + ": " + e.getMessage());
        }
        String dir = args.get("--wco-schemas", System.getenv("GATEWAY_WCO_SCHEMA_DIR"));
        SecureXml xml = new SecureXml();
        WcoPaths paths = WcoPaths.load();
        WcoPaths responsePaths = WcoPaths.responses();
        DeclarationTranslator translator = new DeclarationTranslator(
                format.equals("wco-dec") ? new WcoDecReader(dir == null ? null : Path.of(dir), xml, paths) : null,
                format.equals("wco-res") ? WcoDecReader.forResponses(dir == null ? null : Path.of(dir), xml, responsePaths) : null,
                paths, responsePaths, xml);
        if (to.equals("national-json")) {
            if (!format.equals("wco-dec")) {
                throw new Args.UsageException("--to national-json takes a wco-dec input");
            }
            out.println(translator.toNationalJson(input).toPrettyString());
            return 0;
        }
        DeclarationTranslator.Translation t;
        if (format.equals("wco-dec")) {
            t = translator.fromWcoDec(input);
        } else if (format.equals("wco-res")) {
            t = translator.fromWcoResponse(input);
        } else {
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(input);
            } catch (IOException e) {
                throw new GatewayException(ErrorCode.MALFORMED_JSON, "The declaration is not well-formed JSON: " + e.getMessage(), "");
            }
            t = translator.fromNationalJson(json, "");
        }
        new ExchangeCodec().validate(t.declaration());
        out.println(new String(xml.serialize(t.declaration()), StandardCharsets.UTF_8));
        for (Unmapped u : t.unmapped()) {
            err.println("unmapped " + u);
        }
        err.println("translated: " + t.unmapped().size() + " input items not carried");
        return 0;
    }
}
