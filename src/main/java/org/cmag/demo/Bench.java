package org.cmag.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.XmlSecurity;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The benchmark: end-to-end throughput and latency between two gateways with persistence on, and - in
 * the same run, on the same machine - the raw ceiling that sign + encrypt + decrypt + verify alone allow.
 */
public final class Bench {

    private final Path root;
    private final PrintStream out;
    private final String auditPostgresUrl;
    private final String auditPostgresUser;
    private final String auditPostgresPassword;
    private int sealedBytes;
    private double translationMicros;
    private double policyMicros;
    private double cryptoMicros;

    public Bench(Path root, PrintStream out) {
        this(root, out, null, null, null);
    }

    /** A bench that also measures the audit chain on the PostgreSQL at {@code auditPostgresUrl} (null: H2 only). */
    public Bench(Path root, PrintStream out, String auditPostgresUrl, String auditPostgresUser, String auditPostgresPassword) {
        this.root = root;
        this.out = out;
        this.auditPostgresUrl = auditPostgresUrl;
        this.auditPostgresUser = auditPostgresUser;
        this.auditPostgresPassword = auditPostgresPassword;
    }

    /** Result figures of one run. */
    public record Result(int messages, double endToEndPerSecond, double p50Millis, double p99Millis, double ceilingPerSecond,
            int sealedBytes) {
        public double ratio() {
            return endToEndPerSecond / ceilingPerSecond;
        }
    }

    public Result run(int messages, int concurrency) {
        DataDirs.wipe(root);
        byte[] request = request();
        int cores = Runtime.getRuntime().availableProcessors();
        out.println("CMAG bench: " + messages + " messages, " + concurrency + " concurrent national clients, " + cores + " cores, "
                + System.getProperty("java.vm.name") + " " + Runtime.version());
        Result result;
        double recordsPerMessage;
        double appendsPerMessage;
        try (GatewayPair pair = new GatewayPair(root, Map.of()).start(Partner.Channel.REST);
                NationalQueue deNational = new NationalQueue(pair.de())) {
            runBatch(pair, deNational, request, Math.max(500, messages / 4), concurrency); // warm-up (JIT), not measured
            long[] phase = runBatch(pair, deNational, request, messages, concurrency);
            double seconds = phase[0] / 1e9;
            double e2e = messages / seconds;
            double ceiling = ceiling(pair, cores);
            // every message submitted (warm-up included) leaves its records in NL's chain and in DE's
            int submitted = messages + Math.max(500, messages / 4);
            recordsPerMessage = (double) (pair.nl().audit().head().seq() + pair.de().audit().head().seq()) / submitted;
            // ... written in this many head-locked appends (a stage writes its records in one append, in its transaction)
            appendsPerMessage = (double) (pair.nl().audit().appendCount() + pair.de().audit().appendCount()) / submitted;
            result = new Result(messages, e2e, phase[1] / 1e6, phase[2] / 1e6, ceiling, sealedBytes);
        }
        out.printf("sealed message size            %,d bytes%n", result.sealedBytes());
        out.printf("end to end                     %,.0f messages/s (%d messages)%n", result.endToEndPerSecond(), messages);
        out.printf("latency submit -> DE national   p50 %.1f ms, p99 %.1f ms%n", result.p50Millis(), result.p99Millis());
        out.printf("raw crypto ceiling             %,.0f messages/s (sign+encrypt+decrypt+verify per core x %d cores)%n",
                result.ceilingPerSecond(), cores);
        out.printf("ratio end-to-end / ceiling     %.0f %%%n", 100 * result.ratio());
        out.printf("declaration translation        %.0f us per message (national JSON -> WCO-aligned Declaration, one core)%n",
                translationMicros);
        out.printf("agreement policy               %.0f us per message = %.1f %% of the raw crypto cost per message (%.0f us; field rules"
                + " + free-text guard on the declaration, one core)%n", policyMicros, 100 * policyMicros / cryptoMicros, cryptoMicros);
        int batch = Math.max(1, (int) Math.round(recordsPerMessage / appendsPerMessage));
        AuditBench.report(out, AuditBench.h2(root.resolve("audit-bench"), concurrency, batch), appendsPerMessage, cryptoMicros,
                result.ceilingPerSecond());
        if (auditPostgresUrl != null) {
            AuditBench.report(out, AuditBench.postgres(auditPostgresUrl, auditPostgresUser, auditPostgresPassword, concurrency, batch),
                    appendsPerMessage, cryptoMicros, result.ceilingPerSecond());
        }
        return result;
    }

    /** Returns {elapsed ns, p50 ns, p99 ns}. */
    private long[] runBatch(GatewayPair pair, NationalQueue national, byte[] request, int n, int concurrency) {
        Map<String, Long> started = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        AtomicInteger remaining = new AtomicInteger(n);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            futures.add(clients.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    long s = System.nanoTime();
                    HttpResponse<String> r = pair.submit(request);
                    java.util.Optional<String> id = GatewayPair.acceptedMessageId(r);
                    if (id.isPresent()) {
                        started.put(id.get(), s);
                    } else {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        int received = 0;
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (received < n - failures.get() && System.nanoTime() < deadline) {
            NationalQueue.Delivered d = national.receive(1000);
            if (d == null) {
                continue;
            }
            long now = System.nanoTime();
            Long s = started.get(d.messageId());
            latencies.add(now - (s == null ? t0 : s));
            received++;
        }
        long elapsed = System.nanoTime() - t0;
        clients.shutdown();
        futures.forEach(f -> {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("bench client failed", e);
            }
        });
        if (failures.get() > 0 || received < n) {
            throw new IllegalStateException("bench: " + failures.get() + " submissions failed, " + received + "/" + n + " delivered");
        }
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(Comparator.naturalOrder());
        return new long[] {elapsed, sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99)))};
    }

    /** Messages/s that sign + encrypt + decrypt + verify of the same 10 KB message allow: per core x cores. */
    private double ceiling(GatewayPair pair, int cores) {
        Gateway nl = pair.nl();
        Gateway de = pair.de();
        SecureXml xml = new SecureXml();
        XmlSecurity security = new XmlSecurity(Clock.systemUTC());
        byte[] plain = plainMessage(nl);
        OwnKeys nlKeys = nl.keys().own();
        OwnKeys deKeys = de.keys().own();
        PartnerCertificates deCerts = nl.keys().partner("DE");
        PartnerCertificates nlCerts = de.keys().partner("NL");
        SecurityProfile profile = SecurityProfile.DEFAULT;
        int iterations = 600;
        long t0 = 0;
        for (int i = 0; i < iterations + 100; i++) {
            if (i == 100) {
                t0 = System.nanoTime();
            }
            Document doc = xml.parse(plain);
            security.sign(doc, nlKeys.signingKey(), nlKeys.signingCertificate(), profile);
            Element body = (Element) doc.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
            security.encrypt(doc, body, deCerts.encryptionCertificate(), profile);
            if (i == 0) {
                sealedBytes = xml.serialize(doc).length;
            }
            security.decrypt(doc, deKeys.encryptionKey(), profile);
            security.verify(doc, nlCerts.signingCertificate(), profile);
        }
        double perCore = iterations / ((System.nanoTime() - t0) / 1e9);
        cryptoMicros = 1e6 / perCore;
        return perCore * cores;
    }

    /** The plain (unsealed) exchange message the gateway builds for the bench request, declaration included. */
    private byte[] plainMessage(Gateway nl) {
        var request = new org.cmag.national.NationalRequestParser().parse(request());
        var message = new org.cmag.mapping.RequestTranslator("NL", "NL", Clock.systemUTC())
                .translate(request, nl.registry().require("DE", org.cmag.error.ErrorCode.UNKNOWN_PARTNER));
        SecureXml xml = new SecureXml();
        ExchangeCodec codec = new ExchangeCodec();
        var translator = new org.cmag.wco.DeclarationTranslator(null, org.cmag.wco.WcoPaths.load(), xml);
        Document doc = codec.toDocument(message, xml.newDocument());
        Element assistance = (Element) doc.getElementsByTagNameNS(ExchangeCodec.NS, "AssistanceRequest").item(0);
        assistance.appendChild(doc.importNode(translator.fromNationalJson(request.declarations().get(0), "/declarations/0").declaration(), true));
        codec.validate(doc);
        // translation cost of the declaration alone (national JSON -> WCO-aligned Declaration), warmed up
        int n = 2000;
        long t0 = 0;
        for (int i = 0; i < n + 500; i++) {
            if (i == 500) {
                t0 = System.nanoTime();
            }
            translator.fromNationalJson(request.declarations().get(0), "/declarations/0");
        }
        translationMicros = (System.nanoTime() - t0) / 1000.0 / n;
        policyMicros = policyCost(doc, nl.registry().require("DE", org.cmag.error.ErrorCode.UNKNOWN_PARTNER));
        return xml.serialize(doc);
    }

    /**
     * Microseconds per message that the agreement's field rules and free-text guard take on the bench message (the same
     * step as {@code apply-policy}): the time of copy + minimise less the time of the copy alone, warmed up.
     */
    private static double policyCost(Document message, Partner partner) {
        var minimisation = new org.cmag.policy.Minimisation(new org.cmag.policy.Minimiser(org.cmag.wco.WcoPaths.load(),
                "bench-pseudonym-key-bench-pseudonym-key".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        int n = 3000;
        long copyOnly = 0;
        long copyAndApply = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                message.cloneNode(true);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Document copy = (Document) message.cloneNode(true);
                if (minimisation.apply(copy, partner, "VERIFICATION_OF_DECLARATION", "CUSTOMS_VALUE").isEmpty()) {
                    throw new IllegalStateException("bench: the agreement decided nothing");
                }
            }
            copyOnly = t1 - t0;
            copyAndApply = System.nanoTime() - t1;
        }
        return Math.max(0, copyAndApply - copyOnly) / 1000.0 / n;
    }

    /** A request that seals to about 10 KB: a declaration (national JSON format) with 9 goods items. */
    static byte[] request() {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            if (i > 1) {
                items.append(',');
            }
            items.append("{\"sequenceNumeric\":\"").append(i)
                    .append("\",\"commodity\":{\"description\":\"Bicycle frames of aluminium alloy, unpainted, model series ").append(1000 + i)
                    .append(", packed in cartons of two pieces with protective foam\",\"classification\":[{\"id\":\"87149110\",")
                    .append("\"identificationTypeCode\":\"TSP\"},{\"id\":\"8714911000\",\"identificationTypeCode\":\"TRC\"}]},")
                    .append("\"origin\":[{\"countryCode\":\"CN\",\"typeCode\":\"1\"}]}");
        }
        String json = "{\"partner\":\"DE\",\"requestType\":\"VERIFICATION_OF_DECLARATION\",\"legalBasis\":{\"instrument\":"
                + "\"EU-REG-515-97\",\"article\":\"4\"},\"purpose\":\"Verify the customs value and origin declared on import\",\"purposeCode\":\"CUSTOMS_VALUE\","
                + "\"factsSummary\":\"Declared value per kilo is far below comparable imports.\",\"declarations\":[{"
                + "\"functionalReferenceID\":\"LRN-2026-000123\",\"id\":\"26NL0000000000A1B2\",\"typeCode\":\"IMZ\","
                + "\"declarationOfficeID\":\"NL000396\",\"invoiceAmount\":{\"value\":\"18250.00\",\"currencyID\":\"EUR\"},"
                + "\"exporter\":{\"name\":\"Fahrradteile Export GmbH\",\"id\":\"DE123456789012345\",\"address\":"
                + "{\"cityName\":\"Bremen\",\"countryCode\":\"DE\",\"line\":\"Industriestrasse 5\",\"postcodeID\":\"28195\"}},"
                + "\"goodsShipment\":{\"importer\":{\"name\":\"Fietsonderdelen BV\",\"id\":\"NL123456789\"},"
                + "\"governmentAgencyGoodsItem\":[" + items + "]}}]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
