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
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The partner registry: every agreement file under the policies directory, compiled once at start-up.
 * Fail closed: a broken file stops the gateway with an error naming the file and field; an unknown
 * partner is a reject, never a default.
 */
public final class PartnerRegistry {
    static final Set<String> REQUEST_TYPES = Set.of("INFORMATION", "VERIFICATION_OF_DECLARATION", "VERIFICATION_OF_ORIGIN",
            "VERIFICATION_OF_DOCUMENTS", "SURVEILLANCE", "ENQUIRY", "NOTIFICATION", "SPONTANEOUS_INFORMATION");

    private final Map<String, Partner> partners;

    private PartnerRegistry(Map<String, Partner> partners) {
        this.partners = partners;
    }

    /**
     * Loads every {@code *.yaml} in {@code dir} (or the packaged {@code policies/partners} when dir is null)
     * except our own administration's file.
     *
     * @param overrides config lookup for {@code gateway.partner.<ID>.channel|endpoint|soap-endpoint}
     */
    public static PartnerRegistry load(Path dir, String ownId, Function<String, String> overrides) {
        Map<String, Partner> map = new TreeMap<>();
        for (Source s : dir == null ? packaged() : files(dir)) {
            Partner p = compile(s, overrides);
            if (p.id().equals(ownId)) {
                continue;
            }
            if (map.put(p.id(), p) != null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": partner.id " + p.id() + " is defined twice");
            }
        }
        return new PartnerRegistry(map);
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

    public Collection<Partner> all() {
        return partners.values();
    }

    private record Source(String name, byte[] bytes) {}

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
    private static Partner compile(Source s, Function<String, String> overrides) {
        Object loaded;
        try {
            loaded = new Load(LoadSettings.builder().setLabel(s.name()).setAllowDuplicateKeys(false)
                    // a hostile or broken agreement file fails cleanly: few aliases (no "billion laughs"),
                    // no recursive keys, and a bounded size
                    .setMaxAliasesForCollections(MAX_YAML_ALIASES).setAllowRecursiveKeys(false)
                    .setCodePointLimit(MAX_YAML_CODE_POINTS).build())
                    .loadFromString(new String(s.bytes(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": not valid YAML: " + e.getMessage(), null, e);
        }
        if (!(loaded instanceof Map<?, ?> root)) {
            throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": expected a mapping at the top level");
        }
        Fields f = new Fields(s.name(), (Map<String, Object>) root);
        String id = f.text("partner.id");
        if (!id.matches("[A-Z0-9][A-Z0-9\\-]{1,34}")) {
            throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": partner.id '" + id + "' must be upper-case letters/digits");
        }
        List<Partner.Instrument> instruments = new ArrayList<>();
        int n = 0;
        for (Object o : f.list("agreement.instruments")) {
            Fields inst = f.child("agreement.instruments[" + n++ + "]", o);
            instruments.add(new Partner.Instrument(inst.text("code"), inst.text("title"),
                    new LinkedHashSet<>(inst.optionalList("articles").stream().map(String::valueOf).toList())));
        }
        if (instruments.isEmpty()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": agreement.instruments must name at least one legal instrument");
        }
        Set<String> types = new LinkedHashSet<>();
        for (Object o : f.list("agreement.requestTypes")) {
            String t = String.valueOf(o);
            if (!REQUEST_TYPES.contains(t)) {
                throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": agreement.requestTypes has unknown type '" + t
                        + "'; known: " + new java.util.TreeSet<>(REQUEST_TYPES));
            }
            types.add(t);
        }
        String prefix = "gateway.partner." + id + ".";
        String channelName = Optional.ofNullable(overrides.apply(prefix + "channel")).orElse(f.text("channel.type"));
        Partner.Channel channel = f.enumValue("channel.type", channelName, Partner.Channel.class);
        String rest = Optional.ofNullable(overrides.apply(prefix + "endpoint")).orElse(f.text("channel.endpoint"));
        String soap = Optional.ofNullable(overrides.apply(prefix + "soap-endpoint")).orElse(f.text("channel.soapEndpoint"));
        SecurityProfile profile = new SecurityProfile(
                f.enumValue("security.signature", f.text("security.signature"), SignatureAlgorithm.class),
                f.enumValue("security.digest", f.text("security.digest"), DigestAlgorithm.class),
                f.enumValue("security.content", f.text("security.content"), ContentEncryptionAlgorithm.class),
                f.enumValue("security.keyTransport", f.text("security.keyTransport"), KeyTransportAlgorithm.class));
        Partner.Handling handling = new Partner.Handling(
                f.oneOf("handling.confidentialityClass", Set.of("PUBLIC", "OFFICIAL", "CONFIDENTIAL", "RESTRICTED_PERSONAL")),
                f.oneOf("handling.onwardTransfer", Set.of("NONE", "WITHIN_RECIPIENT_CUSTOMS", "TO_JUDICIAL", "WITH_PRIOR_WRITTEN_CONSENT")),
                f.oneOf("handling.evidenceUse", Set.of("ALLOWED", "WITH_PRIOR_CONSENT", "INTELLIGENCE_ONLY")));
        Map<String, java.time.Period> deadlines = new java.util.LinkedHashMap<>();
        Object rawDeadlines = f.raw("agreement.deadlines");
        if (rawDeadlines != null) {
            if (!(rawDeadlines instanceof Map<?, ?> dl)) {
                throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": field agreement.deadlines must be a mapping");
            }
            for (Map.Entry<?, ?> e : dl.entrySet()) {
                String type = String.valueOf(e.getKey());
                if (!type.equals("default") && !REQUEST_TYPES.contains(type)) {
                    throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": field agreement.deadlines." + type
                            + " is not a request type or 'default'");
                }
                try {
                    java.time.Period p = java.time.Period.parse(String.valueOf(e.getValue()));
                    if (p.isNegative() || p.isZero()) {
                        throw new java.time.format.DateTimeParseException("not positive", String.valueOf(e.getValue()), 0);
                    }
                    deadlines.put(type, p);
                } catch (java.time.format.DateTimeParseException ex) {
                    throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": field agreement.deadlines." + type + " is '"
                            + e.getValue() + "', not a positive ISO-8601 period such as P90D or P10M");
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
                throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": field agreement.purposes[" + pn + "].code '" + code
                        + "' must be an upper-case code");
            }
            if (purposes.put(code, purpose.text("title")) != null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": field agreement.purposes[" + pn + "].code " + code
                        + " is listed twice");
            }
            pn++;
        }
        FieldPolicy fieldRules = FieldRules.compile(s.name(), f.raw("fieldRules"), REQUEST_TYPES, purposes.keySet());
        FreeTextGuard.Action freeText = f.raw("freeText") == null ? FreeTextGuard.Action.MASK
                : f.enumValue("freeText", f.text("freeText"), FreeTextGuard.Action.class);
        if (reminderPercent < 1 || reminderPercent > 99) {
            throw new GatewayException(ErrorCode.CONFIGURATION, s.name() + ": field agreement.reminderPercent must be 1..99");
        }
        return new Partner(id, f.text("partner.name"), f.text("partner.country"), f.text("agreement.id"),
                f.text("agreement.version"), sha256(s.bytes()), s.name(), List.copyOf(instruments), Set.copyOf(types),
                f.integer("agreement.retentionYears"), Map.copyOf(deadlines), reminderPercent, Map.copyOf(purposes), fieldRules, freeText, channel, rest, soap, profile,
                f.text("security.certificates.signing"), f.text("security.certificates.encryption"), handling);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Typed access to a YAML mapping with errors that name the file and the dotted field. */
    private record Fields(String file, Map<String, Object> root) {
        public Object raw(String path) {
            Object cur = root;
            for (String part : path.split("\\.")) {
                if (!(cur instanceof Map<?, ?> m)) {
                    return null;
                }
                cur = m.get(part);
            }
            return cur;
        }

        String text(String path) {
            Object v = raw(path);
            if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
                throw new GatewayException(ErrorCode.CONFIGURATION, file + ": field " + path + " is missing or not a single value");
            }
            return String.valueOf(v).trim();
        }

        int integer(String path) {
            String v = text(path);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new GatewayException(ErrorCode.CONFIGURATION, file + ": field " + path + " must be a whole number");
            }
        }

        List<?> list(String path) {
            Object v = raw(path);
            if (!(v instanceof List<?> l)) {
                throw new GatewayException(ErrorCode.CONFIGURATION, file + ": field " + path + " must be a list");
            }
            return l;
        }

        List<?> optionalList(String path) {
            return raw(path) == null ? List.of() : list(path);
        }

        @SuppressWarnings("unchecked")
        Fields child(String path, Object o) {
            if (!(o instanceof Map<?, ?> m)) {
                throw new GatewayException(ErrorCode.CONFIGURATION, file + ": field " + path + " must be a mapping");
            }
            return new Fields(file + " " + path, (Map<String, Object>) m);
        }

        String oneOf(String path, Set<String> allowed) {
            String v = text(path);
            if (!allowed.contains(v)) {
                throw new GatewayException(ErrorCode.CONFIGURATION, file + ": field " + path + " is '" + v + "'; allowed: "
                        + new java.util.TreeSet<>(allowed));
            }
            return v;
        }

        <E extends Enum<E>> E enumValue(String path, String value, Class<E> type) {
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new GatewayException(ErrorCode.CONFIGURATION, file + ": field " + path + " is '" + value + "'; allowed: "
                        + java.util.Arrays.toString(type.getEnumConstants()));
            }
        }
    }
}
