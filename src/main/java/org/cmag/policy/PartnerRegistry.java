package org.cmag.policy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cmag.crypto.ContentEncryptionAlgorithm;
import org.cmag.crypto.DigestAlgorithm;
import org.cmag.crypto.KeyTransportAlgorithm;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.SignatureAlgorithm;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The partner registry: every agreement file under the policies directory, compiled once at start-up.
 * Fail closed: a broken file stops the gateway with an error naming the file and field; an unknown
 * partner is a reject, never a default.
 */
public final class PartnerRegistry {
    static final Set<String> REQUEST_TYPES = Set.of("INFORMATION", "VERIFICATION_OF_DECLARATION", "VERIFICATION_OF_ORIGIN",
            "VERIFICATION_OF_DOCUMENTS", "SURVEILLANCE", "ENQUIRY", "NOTIFICATION", "SPONTANEOUS_INFORMATION");

    static final Set<String> CAVEATS = Set.of("NO_ONWARD", "NOT_FOR_EVIDENCE", "ORIGINATOR_CONSENT_REQUIRED", "EXPORTER_CONFIDENTIAL");

    private final Map<String, Partner> partners;

    /** Each partner's agreement file as loaded (its SHA-256 is {@link Partner#policyDigest()}); empty for {@link #of}. */
    private final Map<String, byte[]> files;

    private PartnerRegistry(Map<String, Partner> partners) {
        this(partners, Map.of());
    }

    private PartnerRegistry(Map<String, Partner> partners, Map<String, byte[]> files) {
        this.files = files;
        this.partners = partners;
    }

    /**
     * Loads every {@code *.yaml} in {@code dir} (or the packaged {@code policies/partners} when dir is null)
     * except our own administration's file.
     *
     * @param overrides config lookup for {@code gateway.partner.<ID>.channel|endpoint|soap-endpoint|auth}
     */
    public static PartnerRegistry load(Path dir, String ownId, Function<String, String> overrides) {
        Map<String, Partner> map = new TreeMap<>();
        Map<String, byte[]> contents = new TreeMap<>();
        for (Source s : dir == null ? packaged() : files(dir)) {
            Compiled c = compile(s, overrides);
            Partner p = c.partner();
            if (p.id().equals(ownId)) {
                continue;
            }
            checkTransport(p, c.file());
            if (map.put(p.id(), p) != null) {
                throw c.file().error("partner.id", p.id() + " is defined twice");
            }
            contents.put(p.id(), s.bytes());
        }
        return new PartnerRegistry(map, contents);
    }

    public static PartnerRegistry of(Collection<Partner> partners) {
        Map<String, Partner> map = new TreeMap<>();
        partners.forEach(p -> map.put(p.id(), p));
        return new PartnerRegistry(map);
    }

    /** The partner, or a reject with {@code code} when it is not registered. */
    public Partner require(String id, ErrorCode code) {
        Partner p = id == null ? null : partners.get(id);
        if (p == null) {
            throw new GatewayException(code, "Partner administration '" + id + "' is not in the partner registry");
        }
        return p;
    }

    public Optional<Partner> find(String id) {
        return Optional.ofNullable(id == null ? null : partners.get(id));
    }

    /** The agreement file of a partner, byte for byte as loaded (whose SHA-256 its messages' PolicyRef carries). */
    public Optional<byte[]> agreementFile(String partnerId) {
        byte[] b = files.get(partnerId);
        return Optional.ofNullable(b == null ? null : b.clone());
    }

    public Collection<Partner> all() {
        return partners.values();
    }

    private record Source(String name, byte[] bytes) {}

    private record Compiled(Partner partner, PolicyFile file) {}

    private static List<Source> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Policies directory " + dir + " does not exist");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Source> out = new ArrayList<>();
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                out.add(new Source(p.toString(), Files.readAllBytes(p)));
            }
            return out;
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read policies directory " + dir, null, e);
        }
    }

    private static List<Source> packaged() {
        URL url = PartnerRegistry.class.getClassLoader().getResource("policies/partners");
        if (url == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "No packaged policies/partners directory");
        }
        try {
            if ("jar".equals(url.getProtocol())) {
                try (FileSystem fs = FileSystems.newFileSystem(url.toURI(), Map.of())) {
                    return files(fs.getPath("policies/partners"));
                }
            }
            return files(Path.of(url.toURI()));
        } catch (IOException | URISyntaxException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read packaged policies", null, e);
        }
    }

    /** Anchors/aliases an agreement file may use for collections; more is refused as a "billion laughs" file. */
    static final int MAX_YAML_ALIASES = 20;
    /** Largest agreement file, in code points. */
    static final int MAX_YAML_CODE_POINTS = 1_048_576;

    @SuppressWarnings("unchecked")
    private static Compiled compile(Source s, Function<String, String> overrides) {
        LoadSettings settings = LoadSettings.builder().setLabel(s.name()).setAllowDuplicateKeys(false)
                // a hostile or broken agreement file fails cleanly: few aliases (no "billion laughs"), no recursive keys,
                // and a bounded size
                .setMaxAliasesForCollections(MAX_YAML_ALIASES).setAllowRecursiveKeys(false)
                .setCodePointLimit(MAX_YAML_CODE_POINTS).build();
        Node node;
        Object loaded;
        try {
            node = new Compose(settings).composeString(new String(s.bytes(), StandardCharsets.UTF_8)).orElse(null);
            loaded = node == null ? null : new StandardConstructor(settings).constructSingleDocument(Optional.of(node));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1);
            throw PolicyFile.error(s.name(), line, "not valid YAML: " + e.getProblem(), e);
        } catch (RuntimeException e) {
            throw PolicyFile.error(s.name(), 1, "not valid YAML: " + e.getMessage(), e);
        }
        if (!(loaded instanceof Map<?, ?> root)) {
            throw PolicyFile.error(s.name(), 1, "expected a mapping at the top level", null);
        }
        PolicyFile file = PolicyFile.of(s.name(), node);
        Fields f = new Fields(file, "", (Map<String, Object>) root);
        String id = f.text("partner.id");
        if (!id.matches("[A-Z0-9][A-Z0-9\\-]{1,34}")) {
            throw file.error("partner.id", "'" + id + "' must be upper-case letters/digits");
        }
        List<Partner.Instrument> instruments = new ArrayList<>();
        int n = 0;
        for (Object o : f.list("agreement.instruments")) {
            Fields inst = f.child("agreement.instruments[" + n++ + "]", o);
            instruments.add(new Partner.Instrument(inst.text("code"), inst.text("title"),
                    new LinkedHashSet<>(inst.optionalList("articles").stream().map(String::valueOf).toList())));
        }
        if (instruments.isEmpty()) {
            throw file.error("agreement.instruments", "must name at least one legal instrument");
        }
        Set<String> types = new LinkedHashSet<>();
        int tn = 0;
        for (Object o : f.list("agreement.requestTypes")) {
            String t = String.valueOf(o);
            if (!REQUEST_TYPES.contains(t)) {
                throw file.error("agreement.requestTypes[" + tn + "]", "is the unknown request type '" + t + "'; known: "
                        + new java.util.TreeSet<>(REQUEST_TYPES));
            }
            tn++;
            types.add(t);
        }
        String prefix = "gateway.partner." + id + ".";
        String channelName = Optional.ofNullable(overrides.apply(prefix + "channel")).orElse(f.text("channel.type"));
        Partner.Channel channel = f.enumValue("channel.type", channelName, Partner.Channel.class);
        String rest = Optional.ofNullable(overrides.apply(prefix + "endpoint")).orElse(f.text("channel.endpoint"));
        String soap = Optional.ofNullable(overrides.apply(prefix + "soap-endpoint")).orElse(f.text("channel.soapEndpoint"));
        String authText = Optional.ofNullable(overrides.apply(prefix + "auth"))
                .orElse(f.raw("channel.auth") == null ? Partner.ChannelAuth.NONE.value() : f.text("channel.auth"));
        Partner.ChannelAuth auth = Partner.ChannelAuth.parse(authText);
        if (auth == null) {
            throw file.error("channel.auth", "is '" + authText + "'; allowed: none, token, mtls, token+mtls");
        }
        SecurityProfile profile = new SecurityProfile(
                f.enumValue("security.signature", f.text("security.signature"), SignatureAlgorithm.class),
                f.enumValue("security.digest", f.text("security.digest"), DigestAlgorithm.class),
                f.enumValue("security.content", f.text("security.content"), ContentEncryptionAlgorithm.class),
                f.enumValue("security.keyTransport", f.text("security.keyTransport"), KeyTransportAlgorithm.class));
        Partner.Handling handling = new Partner.Handling(
                f.oneOf("handling.confidentialityClass", Set.of("PUBLIC", "OFFICIAL", "CONFIDENTIAL", "RESTRICTED_PERSONAL")),
                f.oneOf("handling.onwardTransfer", Set.of("NONE", "WITHIN_RECIPIENT_CUSTOMS", "TO_JUDICIAL", "WITH_PRIOR_WRITTEN_CONSENT")),
                f.oneOf("handling.evidenceUse", Set.of("ALLOWED", "WITH_PRIOR_CONSENT", "INTELLIGENCE_ONLY")),
                caveats(f));
        Map<String, java.time.Period> deadlines = new java.util.LinkedHashMap<>();
        Object rawDeadlines = f.raw("agreement.deadlines");
        if (rawDeadlines != null) {
            if (!(rawDeadlines instanceof Map<?, ?> dl)) {
                throw file.error("agreement.deadlines", "must be a mapping");
            }
            for (Map.Entry<?, ?> e : dl.entrySet()) {
                String type = String.valueOf(e.getKey());
                if (!type.equals("default") && !REQUEST_TYPES.contains(type)) {
                    throw file.error("agreement.deadlines." + type, "is not a request type or 'default'");
                }
                try {
                    java.time.Period p = java.time.Period.parse(String.valueOf(e.getValue()));
                    if (p.isNegative() || p.isZero()) {
                        throw new java.time.format.DateTimeParseException("not positive", String.valueOf(e.getValue()), 0);
                    }
                    deadlines.put(type, p);
                } catch (java.time.format.DateTimeParseException ex) {
                    throw file.error("agreement.deadlines." + type, "is '" + e.getValue()
                            + "', not a positive ISO-8601 period such as P90D or P10M");
                }
            }
        }
        int reminderPercent = f.raw("agreement.reminderPercent") == null ? 80 : f.integer("agreement.reminderPercent");
        Map<String, String> purposes = new java.util.LinkedHashMap<>();
        int pn = 0;
        for (Object o : f.optionalList("agreement.purposes")) {
            Fields purpose = f.child("agreement.purposes[" + pn + "]", o);
            String code = purpose.text("code");
            if (!code.matches("[A-Z][A-Z0-9_]{1,39}")) {
                throw file.error("agreement.purposes[" + pn + "].code", "'" + code + "' must be an upper-case code");
            }
            if (purposes.put(code, purpose.text("title")) != null) {
                throw file.error("agreement.purposes[" + pn + "].code", code + " is listed twice");
            }
            pn++;
        }
        FieldPolicy fieldRules = FieldRules.compile(file, f.raw("fieldRules"), REQUEST_TYPES, purposes.keySet());
        FreeTextGuard.Action freeText = f.raw("freeText") == null ? FreeTextGuard.Action.MASK
                : f.enumValue("freeText", f.text("freeText"), FreeTextGuard.Action.class);
        if (reminderPercent < 1 || reminderPercent > 99) {
            throw file.error("agreement.reminderPercent", "must be 1..99");
        }
        java.time.LocalDate validFrom = f.date("agreement.validFrom");
        java.time.LocalDate validUntil = f.raw("agreement.validUntil") == null ? null : f.date("agreement.validUntil");
        if (validUntil != null && validUntil.isBefore(validFrom)) {
            throw file.error("agreement.validUntil", "is " + validUntil + ", before agreement.validFrom " + validFrom);
        }
        Partner.ChannelAuth channelAuth = auth;
        Partner.CertificateRef tlsCertificate = f.raw("security.certificates.tls") == null ? null
                : certificate(f, "security.certificates.tls");
        List<Partner.CertificateRef> trustAnchors = trustAnchors(f);
        if (channelAuth.requiresClientCertificate() && tlsCertificate == null) {
            throw file.error("security.certificates.tls", "is missing: channel.auth " + channelAuth.value()
                    + " needs the partner's TLS client certificate, e.g. tls: " + id + "-tls.crt");
        }
        Set<String> outboundTypes = messageTypes(f, "outbound");
        Set<String> inboundTypes = messageTypes(f, "inbound");
        return new Compiled(new Partner(id, f.text("partner.name"), f.text("partner.country"), f.text("agreement.id"),
                f.text("agreement.version"), validFrom, validUntil, outboundTypes, inboundTypes, sha256(s.bytes()), s.name(), List.copyOf(instruments), Set.copyOf(types),
                f.integer("agreement.retentionYears"), Map.copyOf(deadlines), reminderPercent, Map.copyOf(purposes), fieldRules, freeText, channel, rest, soap, profile,
                certificates(f, "security.certificates.signing"), certificates(f, "security.certificates.encryption"),
                trustAnchors, revocation(f), handling, channelAuth, tlsCertificate), file);
    }

    /**
     * Mutual TLS needs trust anchors and an https endpoint (after the deployment's endpoint overrides). That an https
     * endpoint has trust anchors is checked at start-up, when the TLS material is loaded.
     */
    private static void checkTransport(Partner p, PolicyFile file) {
        String endpoint = p.channel() == Partner.Channel.REST ? p.restEndpoint() : p.soapEndpoint();
        String field = p.channel() == Partner.Channel.REST ? "channel.endpoint" : "channel.soapEndpoint";
        boolean https = endpoint.startsWith("https://");
        boolean mtls = p.channelAuth().requiresClientCertificate();
        if (mtls && p.trustAnchors().isEmpty()) {
            throw file.error("security.trustAnchors", "is missing: channel.auth " + p.channelAuth().value()
                    + " needs the CA certificate(s) the partner's TLS certificates chain to, e.g. trustAnchors: [ca.crt]");
        }
        if (mtls && !https) {
            throw file.error(field, "is '" + endpoint + "'; channel.auth " + p.channelAuth().value()
                    + " needs an https:// endpoint (or gateway.partner." + p.id() + ".endpoint / .soap-endpoint)");
        }
    }

    /**
     * {@code agreement.messageTypes.outbound|inbound}: the exchange message types permitted in that direction, by their
     * Body element names; when {@code agreement.messageTypes} is absent every type is permitted in both directions.
     */
    private static Set<String> messageTypes(Fields f, String direction) {
        Object section = f.raw("agreement.messageTypes");
        if (section == null) {
            return AgreementTerms.allCodes();
        }
        if (!(section instanceof Map<?, ?> m)) {
            throw f.file().error("agreement.messageTypes", "must be a mapping with outbound and inbound lists");
        }
        for (Object k : m.keySet()) {
            if (!Set.of("outbound", "inbound").contains(String.valueOf(k))) {
                throw f.file().error("agreement.messageTypes." + k, "is not a direction (outbound, inbound)");
            }
        }
        String path = "agreement.messageTypes." + direction;
        Set<String> codes = new LinkedHashSet<>();
        int i = 0;
        for (Object o : f.list(path)) {
            String name = String.valueOf(o);
            String code = AgreementTerms.BY_FILE_NAME.get(name);
            if (code == null) {
                throw f.file().error(path + "[" + i + "]", "is the unknown message type '" + name + "'; known: "
                        + AgreementTerms.BY_FILE_NAME.keySet());
            }
            if (!codes.add(code)) {
                throw f.file().error(path + "[" + i + "]", name + " is listed twice");
            }
            i++;
        }
        return Set.copyOf(codes);
    }

    /** One certificate reference, or a list of them (key rotation: several certificates with overlapping validity). */
    private static List<Partner.CertificateRef> certificates(Fields f, String path) {
        Object raw = f.raw(path);
        if (raw instanceof List<?> items) {
            if (items.isEmpty()) {
                throw f.file().error(path, "must name at least one certificate");
            }
            List<Partner.CertificateRef> refs = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Partner.CertificateRef ref = certificate(f, path + "[" + i + "]", items.get(i));
                if (refs.stream().anyMatch(r -> r.alias().equals(ref.alias()))) {
                    throw f.file().error(path + "[" + i + "]", "names '" + ref.alias() + "' twice");
                }
                refs.add(ref);
            }
            return List.copyOf(refs);
        }
        return List.of(certificate(f, path));
    }

    /** {@code security.trustAnchors}: the CA certificates (aliases, optionally pinned) the partner's certificates chain to. */
    private static List<Partner.CertificateRef> trustAnchors(Fields f) {
        String path = "security.trustAnchors";
        if (f.raw(path) == null) {
            throw f.file().error(path, "is missing: name the CA certificate(s) the partner's certificates must chain to, "
                    + "e.g. trustAnchors: [ca.crt]");
        }
        return certificates(f, path);
    }

    /**
     * {@code security.revocation}: {@code crls} (CRL files in the PKI directory), {@code distributionPoints} (use the
     * certificates' CRL distribution points, default true), {@code ocsp} ({@code none}, {@code aia} or a responder URL;
     * default none) and {@code onUnavailable} ({@code fail}, the default, or {@code accept-with-warning}).
     */
    private static org.cmag.crypto.RevocationSettings revocation(Fields f) {
        String path = "security.revocation";
        Object raw = f.raw(path);
        if (raw == null) {
            return org.cmag.crypto.RevocationSettings.DEFAULT;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw f.file().error(path, "must be a mapping (crls, distributionPoints, ocsp, onUnavailable)");
        }
        for (Object k : m.keySet()) {
            if (!Set.of("crls", "distributionPoints", "ocsp", "onUnavailable").contains(String.valueOf(k))) {
                throw f.file().error(path + "." + k, "is not a revocation setting (crls, distributionPoints, ocsp, onUnavailable)");
            }
        }
        List<String> crls = new ArrayList<>();
        int i = 0;
        for (Object o : f.optionalList(path + ".crls")) {
            String name = String.valueOf(o).trim();
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw f.file().error(path + ".crls[" + i + "]", "'" + name + "' must be a CRL file name in the key ring, not a path");
            }
            crls.add(name);
            i++;
        }
        boolean dp = true;
        if (f.raw(path + ".distributionPoints") != null) {
            String v = f.text(path + ".distributionPoints");
            if (!v.equals("true") && !v.equals("false")) {
                throw f.file().error(path + ".distributionPoints", "is '" + v + "'; allowed: true, false");
            }
            dp = Boolean.parseBoolean(v);
        }
        java.net.URI ocsp = null;
        if (f.raw(path + ".ocsp") != null) {
            String v = f.text(path + ".ocsp");
            if (v.equals("aia")) {
                ocsp = org.cmag.crypto.RevocationSettings.OCSP_FROM_AIA;
            } else if (!v.equals("none")) {
                try {
                    ocsp = new java.net.URI(v);
                } catch (URISyntaxException e) {
                    ocsp = null;
                }
                if (ocsp == null || !Set.of("http", "https").contains(String.valueOf(ocsp.getScheme())) || ocsp.getHost() == null) {
                    throw f.file().error(path + ".ocsp", "is '" + v + "'; allowed: none, aia or an http(s) responder URL");
                }
            }
        }
        org.cmag.crypto.RevocationSettings.OnUnavailable on = org.cmag.crypto.RevocationSettings.OnUnavailable.FAIL;
        if (f.raw(path + ".onUnavailable") != null) {
            String v = f.text(path + ".onUnavailable");
            on = switch (v) {
                case "fail" -> org.cmag.crypto.RevocationSettings.OnUnavailable.FAIL;
                case "accept-with-warning" -> org.cmag.crypto.RevocationSettings.OnUnavailable.ACCEPT_WITH_WARNING;
                default -> throw f.file().error(path + ".onUnavailable", "is '" + v + "'; allowed: fail, accept-with-warning");
            };
        }
        return new org.cmag.crypto.RevocationSettings(crls, dp, ocsp, on);
    }

    private static Partner.CertificateRef certificate(Fields f, String path) {
        return certificate(f, path, f.raw(path));
    }

    /** {@code ALIAS} or {@code {alias: ALIAS, sha256: FINGERPRINT}} (hex, colons and case ignored). */
    private static Partner.CertificateRef certificate(Fields f, String path, Object raw) {
        String alias;
        String sha256 = null;
        if (raw instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!Set.of("alias", "sha256").contains(String.valueOf(k))) {
                    throw f.file().error(path + "." + k, "is not a certificate field (alias, sha256)");
                }
            }
            alias = single(f, path + ".alias", m.get("alias"));
            if (m.get("sha256") != null) {
                String given = single(f, path + ".sha256", m.get("sha256"));
                sha256 = given.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
                if (!sha256.matches("[0-9a-f]{64}")) {
                    throw f.file().error(path + ".sha256", "'" + given + "' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
                }
            }
        } else {
            alias = single(f, path, raw);
        }
        if (alias.contains("/") || alias.contains("\\") || alias.startsWith(".")) {
            throw f.file().error(path, "'" + alias + "' must be a certificate name in the key ring, not a path");
        }
        PolicyFile file = f.file();
        return new Partner.CertificateRef(alias, sha256, file.name() + ":" + file.line(path), path);
    }

    /** A single non-blank value at {@code path}, trimmed. */
    private static String single(Fields f, String path, Object v) {
        if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
            throw f.file().error(path, "is missing or not a single value");
        }
        return String.valueOf(v).trim();
    }

    /** Handling caveats (DOMAIN.md section 9) stamped into every header: known names only, EMBARGO_UNTIL with its date. */
    private static List<String> caveats(Fields f) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (Object o : f.optionalList("handling.caveats")) {
            String c = String.valueOf(o).trim();
            String at = "handling.caveats[" + i++ + "]";
            if (c.startsWith("EMBARGO_UNTIL:")) {
                try {
                    java.time.LocalDate.parse(c.substring("EMBARGO_UNTIL:".length()));
                } catch (java.time.format.DateTimeParseException e) {
                    throw f.file().error(at, "is '" + c + "'; EMBARGO_UNTIL needs an ISO date, e.g. EMBARGO_UNTIL:2027-06-30");
                }
            } else if (!CAVEATS.contains(c)) {
                throw f.file().error(at, "is '" + c + "'; known caveats: " + new java.util.TreeSet<>(CAVEATS) + " and EMBARGO_UNTIL:<date>");
            }
            if (out.contains(c)) {
                throw f.file().error(at, "names " + c + " twice");
            }
            out.add(c);
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Typed access to a YAML mapping at {@code prefix} (empty for the root) with errors that name the file, the line and
     * the dotted field.
     */
    private record Fields(PolicyFile file, String prefix, Map<String, Object> root) {
        private String at(String path) {
            return prefix.isEmpty() ? path : prefix + "." + path;
        }

        public Object raw(String path) {
            Object cur = root;
            for (String part : path.split("\\.")) {
                int bracket = part.indexOf('[');
                String key = bracket < 0 ? part : part.substring(0, bracket);
                if (!(cur instanceof Map<?, ?> m)) {
                    return null;
                }
                cur = m.get(key);
                // list items: name[i] (used for lists of certificate references)
                while (bracket >= 0) {
                    int close = part.indexOf(']', bracket);
                    int index = Integer.parseInt(part.substring(bracket + 1, close));
                    if (!(cur instanceof List<?> l) || index >= l.size()) {
                        return null;
                    }
                    cur = l.get(index);
                    bracket = part.indexOf('[', close);
                }
            }
            return cur;
        }

        String text(String path) {
            Object v = raw(path);
            if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
                throw file.error(at(path), "is missing or not a single value");
            }
            return String.valueOf(v).trim();
        }

        int integer(String path) {
            String v = text(path);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw file.error(at(path), "must be a whole number");
            }
        }

        java.time.LocalDate date(String path) {
            Object v = raw(path);
            if (v instanceof java.time.LocalDate d) {
                return d;
            }
            String t = text(path);
            try {
                return java.time.LocalDate.parse(t);
            } catch (java.time.format.DateTimeParseException e) {
                throw file.error(at(path), "is '" + t + "', not an ISO date such as 2024-01-31");
            }
        }

        List<?> list(String path) {
            Object v = raw(path);
            if (!(v instanceof List<?> l)) {
                throw file.error(at(path), "must be a list");
            }
            return l;
        }

        List<?> optionalList(String path) {
            return raw(path) == null ? List.of() : list(path);
        }

        @SuppressWarnings("unchecked")
        Fields child(String path, Object o) {
            if (!(o instanceof Map<?, ?> m)) {
                throw file.error(at(path), "must be a mapping");
            }
            return new Fields(file, at(path), (Map<String, Object>) m);
        }

        String oneOf(String path, Set<String> allowed) {
            String v = text(path);
            if (!allowed.contains(v)) {
                throw file.error(at(path), "is '" + v + "'; allowed: " + new java.util.TreeSet<>(allowed));
            }
            return v;
        }

        <E extends Enum<E>> E enumValue(String path, String value, Class<E> type) {
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw file.error(at(path), "is '" + value + "'; allowed: " + java.util.Arrays.toString(type.getEnumConstants()));
            }
        }
    }
}
