package org.cmag.wco;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The WCO DEC path table ({@code schemas/mapping/wco-dec-paths.tsv}): every path of a WCO DM DEC-DMS Declaration
 * with its WCO ID, pointer, kind, cardinality, whether the gateway carries it and the data category of each element
 * (personal-direct, commercial-confidential, ...; see docs/wco-mapping.md). Loaded once.
 */
public final class WcoPaths {
    /** One DEC path. */
    public record Row(String path, String wcoId, String name, String kind, boolean repeatable, boolean carried, String pointer,
            String codes, String category) {
        public boolean isClass() {
            return kind.equals("class");
        }

        public boolean isDateTime() {
            return kind.equals("datetime");
        }

        /** The element's local name. */
        public String element() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        /** Its key in the national JSON format. */
        public String jsonKey() {
            return WcoPaths.jsonKey(element());
        }
    }

    private final Map<String, Row> byPath;
    private final Map<String, List<Row>> children;

    private WcoPaths(Map<String, Row> byPath) {
        this.byPath = Collections.unmodifiableMap(byPath);
        Map<String, List<Row>> kids = new LinkedHashMap<>();
        for (Row r : byPath.values()) {
            int slash = r.path().lastIndexOf('/');
            if (slash > 0) {
                kids.computeIfAbsent(r.path().substring(0, slash), k -> new ArrayList<>()).add(r);
            }
        }
        this.children = kids;
    }

    /** The packaged DEC (declaration) table. */
    public static WcoPaths load() {
        return load("schemas/mapping/wco-dec-paths.tsv");
    }

    /** The packaged RES (response) table. */
    public static WcoPaths responses() {
        return load("schemas/mapping/wco-res-paths.tsv");
    }

    private static WcoPaths load(String resource) {
        try (InputStream in = WcoPaths.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, resource + " is not on the classpath");
            }
            Map<String, Row> rows = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            boolean header = true;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] f = line.split("\t", -1);
                rows.put(f[0], new Row(f[0], f[1], f[2], f[3], !f[5].equals("1"), f[6].equals("yes"), f[7], f[9],
                        f.length > 10 ? f[10] : ""));
            }
            return new WcoPaths(rows);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read the WCO path table", null, e);
        }
    }

    public Optional<Row> find(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /** Child paths of a class, in schema order. */
    public List<Row> children(String path) {
        return children.getOrDefault(path, List.of());
    }

    public java.util.Collection<Row> all() {
        return byPath.values();
    }

    /** lowerCamelCase of a WCO element name, keeping leading acronyms together (UCR → ucr, AEOMutualRecognitionParty → aeoMutualRecognitionParty). */
    public static String jsonKey(String element) {
        int upper = 0;
        while (upper < element.length() && Character.isUpperCase(element.charAt(upper))) {
            upper++;
        }
        if (upper == element.length()) {
            return element.toLowerCase(java.util.Locale.ROOT);
        }
        if (upper <= 1) {
            return Character.toLowerCase(element.charAt(0)) + element.substring(1);
        }
        return element.substring(0, upper - 1).toLowerCase(java.util.Locale.ROOT) + element.substring(upper - 1);
    }
}
