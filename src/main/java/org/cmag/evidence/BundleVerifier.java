package org.cmag.evidence;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.cmag.audit.AuditChain;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.Checkpoint;
import org.cmag.store.AuditRecord;
import org.cmag.store.EvidenceItem;

/**
 * Verifies an evidence bundle offline, with nothing but the bundle and whom to trust ({@link BundleTrust}), in this
 * order, naming the first problem:
 * <ol>
 *   <li>the ZIP container, as standard tools read it (central directory first), with every byte accounted for and
 *       within {@link BundleLimits} ({@link BundleZip}); nothing is inflated before this holds;</li>
 *   <li>the manifest ({@value BundleFormat#FORMAT}), its signer bound to the gateway the manifest names
 *       ({@link BundleTrust}), and the signature over the manifest's bytes;</li>
 *   <li>the listing: every entry of the archive other than the manifest and its signature listed exactly once in the
 *       manifest, every listed one present with the listed size;</li>
 *   <li>every listed entry's content: inflated as a stream, with its SHA-256 against the manifest's (and its size and
 *       CRC-32 against the ZIP headers);</li>
 *   <li>the checkpoint: signed with the same certificate, of the same gateway;</li>
 *   <li>the audit records (parsed as a stream): full records (the selection) recompute to their hash, hashed-only records
 *       (outside the selection) carry nothing but their sequence, hash and link; all link to one another without a gap
 *       and end at the checkpoint's head;</li>
 *   <li>every evidence item's content against its digest, and the digest against the audit record that stored it; every
 *       agreement file against its recorded SHA-256 (the evidence index is read before the records, which are matched
 *       against it as they stream past).</li>
 * </ol>
 * Memory stays bounded whatever the archive holds: the manifest (read before its signature is checked) is limited to
 * {@link BundleLimits#maxManifestBytes()}, the signer's certificates and the signature to
 * {@link BundleLimits#MAX_CERTIFICATE_BYTES}, the signed checkpoint and indexes to {@link BundleLimits#maxJsonBytes()};
 * the audit records are parsed one by one, and every other entry is only digested while it is inflated.
 */
public final class BundleVerifier {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private BundleVerifier() {}

    /** The outcome: valid, or the first problem; with a one-line summary of what was checked. */
    public record Result(Optional<String> problem, String summary) {
        public boolean valid() {
            return problem.isEmpty();
        }
    }

    /** {@link #verify(Path, BundleTrust, BundleLimits)} with the trust anchor alone ({@link BundleTrust#anchor}) and the default limits. */
    public static Result verify(Path bundle, X509Certificate trustAnchor) {
        return verify(bundle, BundleTrust.anchor(trustAnchor), BundleLimits.DEFAULTS);
    }

    /** Reads and verifies a bundle file. */
    public static Result verify(Path bundle, BundleTrust trust, BundleLimits limits) {
        try (BundleZip.Archive archive = BundleZip.open(bundle, limits)) {
            return new Result(Optional.empty(), check(new ArchiveParts(archive), trust, limits));
        } catch (BundleProblem p) {
            return failed(p.getMessage());
        } catch (IOException e) {
            return failed("the bundle cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            return failed("the bundle is malformed: " + e);
        }
    }

    /**
     * Verifies a bundle's entries (path to bytes) from step 2 on: for callers that hold the entries already; the ZIP
     * container, whose checks are step 1, is not involved.
     */
    static Result verify(Map<String, byte[]> entries, BundleTrust trust) {
        try {
            return new Result(Optional.empty(), check(new MapParts(entries), trust, BundleLimits.DEFAULTS));
        } catch (BundleProblem p) {
            return failed(p.getMessage());
        } catch (IOException e) {
            return failed("the bundle cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            return failed("the bundle is malformed: " + e);
        }
    }

    /** {@link #verify(Map, BundleTrust)} with the trust anchor alone. */
    static Result verify(Map<String, byte[]> entries, X509Certificate trustAnchor) {
        return verify(entries, BundleTrust.anchor(trustAnchor));
    }

    private static Result failed(String problem) {
        return new Result(Optional.of(problem), "INVALID: " + problem);
    }

    /** The entries of a bundle, by name: the checked ZIP archive, or a map in memory. */
    private interface Parts {
        List<String> names();

        long size(String name);

        InputStream open(String name) throws IOException;
    }

    private record ArchiveParts(BundleZip.Archive archive) implements Parts {
        @Override
        public List<String> names() {
            return archive.entries().stream().map(BundleZip.Entry::name).toList();
        }

        @Override
        public long size(String name) {
            return archive.entry(name).map(BundleZip.Entry::size).orElse(-1L);
        }

        @Override
        public InputStream open(String name) {
            return archive.open(archive.entry(name).orElseThrow());
        }
    }

    private record MapParts(Map<String, byte[]> entries) implements Parts {
        @Override
        public List<String> names() {
            return List.copyOf(entries.keySet());
        }

        @Override
        public long size(String name) {
            byte[] b = entries.get(name);
            return b == null ? -1 : b.length;
        }

        @Override
        public InputStream open(String name) {
            return new ByteArrayInputStream(entries.get(name));
        }
    }

    /** What the bundle says of itself, once its signer and signature are checked. */
    private record Signed(JsonNode manifest, String gatewayId, Instant created, X509Certificate signer, byte[] signerBytes) {}

    /** Steps 2 to 7 (see the class comment), each naming the first problem it finds. */
    private static String check(Parts parts, BundleTrust trust, BundleLimits limits) throws BundleProblem, IOException {
        for (String name : parts.names()) {
            if (!BundleZip.validName(name)) {
                throw new BundleProblem("entry '" + name + "' is not a plain relative path");
            }
        }
        Signed signed = manifest(parts, trust, limits);
        Map<String, String> listed = listing(parts, signed.manifest());
        Map<String, byte[]> small = contents(parts, listed, signed.signerBytes(), limits);
        Checkpoint checkpoint = checkpoint(small, signed);
        Evidence evidence = evidence(small, listed);
        agreements(small, listed);
        Chain chain = records(parts, listed, evidence);
        if (checkpoint.headSeq() != chain.lastSeq || !checkpoint.headHash().equals(chain.lastHash)) {
            throw new BundleProblem("checkpoint names record " + checkpoint.headSeq() + " as the head, but the bundle's chain ends with record "
                    + chain.lastSeq + " (records removed, added or replaced)");
        }
        for (int i = 0; i < evidence.items().size(); i++) {
            if (!chain.matched[i]) {
                EvidenceItem item = evidence.items().get(i);
                throw new BundleProblem(what(item) + ": no " + item.auditEventType() + " audit record in the bundle carries its digest " + item.digest());
            }
        }
        return "VALID: " + signed.manifest().path("purpose").asText() + "; signed by " + signed.signer().getSubjectX500Principal().getName()
                + " for gateway " + signed.gatewayId() + " (" + trust.describe(signed.gatewayId()) + ") at " + signed.created() + "; " + listed.size()
                + " entries intact; audit records " + chain.firstSeq + ".." + chain.lastSeq + " chained (" + chain.full + " selected in full, "
                + chain.hashedOnly + " of other cases or outside the selection as hashes only) up to a valid checkpoint; " + evidence.items().size()
                + " evidence items (" + evidence.purged() + " purged) match their audit records";
    }

    /** 2. The manifest's format, its signer bound to the gateway it names, and the signature over its bytes. */
    private static Signed manifest(Parts parts, BundleTrust trust, BundleLimits limits) throws BundleProblem, IOException {
        // read before anything vouches for them: bounded by the number of entries, not by the (signed) parts' limit
        byte[] manifestBytes = small(parts, BundleFormat.MANIFEST, limits.maxManifestBytes());
        byte[] signature = small(parts, BundleFormat.SIGNATURE, BundleLimits.MAX_CERTIFICATE_BYTES);
        JsonNode manifest = parse(manifestBytes, BundleFormat.MANIFEST);
        String format = manifest.path("format").asText();
        if (BundleFormat.FORMAT_1.equals(format)) {
            throw new BundleProblem("manifest.json is of format " + BundleFormat.FORMAT_1 + ", which this verifier no longer accepts (it carried other"
                    + " cases' audit records in full and its ZIP form was not checked): export the bundle again");
        }
        if (!BundleFormat.FORMAT.equals(format)) {
            throw new BundleProblem("manifest.json is not a " + BundleFormat.FORMAT + " manifest");
        }
        Instant created = instant(manifest.path("createdAt").asText(), "manifest.json createdAt");
        String gatewayId = manifest.path("gatewayId").asText("");
        if (!manifest.path("gatewayId").isTextual() || gatewayId.isEmpty()) {
            throw new BundleProblem("manifest.json names no gateway");
        }
        byte[] signerBytes = small(parts, BundleFormat.SIGNER, BundleLimits.MAX_CERTIFICATE_BYTES);
        List<X509Certificate> signer = certificates(signerBytes, BundleFormat.SIGNER);
        Optional<String> untrusted = trust.problem(gatewayId, signer, created);
        if (untrusted.isPresent()) {
            throw new BundleProblem(untrusted.get());
        }
        X509Certificate leaf = signer.get(0);
        try {
            String algorithm = Checkpoint.algorithmFor(leaf.getPublicKey().getAlgorithm());
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(leaf.getPublicKey());
            s.update(manifestBytes);
            if (!algorithm.equals(manifest.path("signatureAlgorithm").asText()) || !s.verify(signature)) {
                throw new BundleProblem("manifest.sig: the signature over manifest.json does not verify with the signer's certificate");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BundleProblem("manifest.sig: the signature over manifest.json does not verify: " + e.getMessage());
        }
        return new Signed(manifest, gatewayId, created, leaf, signerBytes);
    }

    /** 3. Every listed entry present once with its listed size, every present one listed: path to listed SHA-256. */
    private static Map<String, String> listing(Parts parts, JsonNode manifest) throws BundleProblem {
        Set<String> present = new TreeSet<>(parts.names());
        Map<String, String> listed = new LinkedHashMap<>();
        for (JsonNode e : manifest.path("entries")) {
            String path = e.path("path").asText();
            String sha256 = e.path("sha256").asText();
            if (!BundleZip.validName(path) || !HASH.matcher(sha256).matches() || !e.path("size").canConvertToLong()) {
                throw new BundleProblem("manifest.json lists a malformed entry: " + e);
            }
            if (listed.put(path, sha256) != null || Set.of(BundleFormat.MANIFEST, BundleFormat.SIGNATURE).contains(path)) {
                throw new BundleProblem("manifest.json lists entry " + path + " twice or lists itself");
            }
            if (!present.contains(path)) {
                throw new BundleProblem("entry " + path + " is listed in the manifest but missing from the bundle");
            }
            if (parts.size(path) != e.path("size").asLong()) {
                throw new BundleProblem("entry " + path + " was modified: its SHA-256 or size differs from the manifest's");
            }
        }
        for (String path : parts.names()) {
            if (!listed.containsKey(path) && !path.equals(BundleFormat.MANIFEST) && !path.equals(BundleFormat.SIGNATURE)) {
                throw new BundleProblem("entry " + path + " is not listed in the manifest (added to the bundle)");
            }
        }
        for (String required : List.of(BundleFormat.SIGNER, BundleFormat.RECORDS, BundleFormat.CHECKPOINT, BundleFormat.EVIDENCE_INDEX,
            BundleFormat.POLICY_INDEX)) {
            if (!listed.containsKey(required)) {
                throw new BundleProblem("entry " + required + " is missing (manifest.json does not list it)");
            }
        }
        return listed;
    }

    /**
     * 4. Every listed entry's SHA-256, digested while it is inflated; returns the parts that are parsed whole (the
     * signer's certificates as they were read in step 2, the checkpoint and the indexes), checked bytes and all.
     */
    private static Map<String, byte[]> contents(Parts parts, Map<String, String> listed, byte[] signerBytes, BundleLimits limits)
            throws BundleProblem, IOException {
        Set<String> kept = Set.of(BundleFormat.CHECKPOINT, BundleFormat.EVIDENCE_INDEX, BundleFormat.POLICY_INDEX);
        Map<String, byte[]> small = new HashMap<>();
        small.put(BundleFormat.SIGNER, signerBytes);
        for (String path : parts.names()) {
            String expected = listed.get(path);
            if (expected == null) {
                continue;
            }
            String actual;
            if (small.containsKey(path)) {
                actual = AuditChain.sha256Hex(small.get(path));
            } else if (kept.contains(path)) {
                byte[] bytes = small(parts, path, limits.maxJsonBytes());
                small.put(path, bytes);
                actual = AuditChain.sha256Hex(bytes);
            } else {
                actual = digest(parts, path);
            }
            if (!actual.equals(expected)) {
                throw new BundleProblem("entry " + path + " was modified: its SHA-256 or size differs from the manifest's");
            }
        }
        return small;
    }

    /** 5. The checkpoint: signed with the manifest's signer, for the same gateway. */
    private static Checkpoint checkpoint(Map<String, byte[]> small, Signed signed) throws BundleProblem {
        Checkpoint checkpoint;
        try {
            checkpoint = BundleFormat.checkpoint(parse(small.get(BundleFormat.CHECKPOINT), BundleFormat.CHECKPOINT));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BundleProblem(BundleFormat.CHECKPOINT + " is malformed: " + e.getMessage());
        }
        if (!checkpoint.certificate().equals(signed.signer()) || !checkpoint.signatureValid()) {
            throw new BundleProblem("checkpoint of record " + checkpoint.headSeq() + ": its signature does not verify with the gateway's certificate");
        }
        if (!checkpoint.gatewayId().equals(signed.gatewayId())) {
            throw new BundleProblem("checkpoint of record " + checkpoint.headSeq() + " is of gateway " + checkpoint.gatewayId() + ", not of the bundle's");
        }
        return checkpoint;
    }

    /** The evidence items, by the audit record (type and message) that must carry each one's digest. */
    private record Evidence(List<EvidenceItem> items, Map<String, List<Integer>> byRecord, int purged) {}

    /** 7a. Each held evidence document hashes to its item's digest (read before the records, which are matched against it as they stream). */
    private static Evidence evidence(Map<String, byte[]> small, Map<String, String> listed) throws BundleProblem {
        List<EvidenceItem> items = new ArrayList<>();
        Map<String, List<Integer>> byRecord = new HashMap<>();
        int purged = 0;
        for (JsonNode i : parse(small.get(BundleFormat.EVIDENCE_INDEX), BundleFormat.EVIDENCE_INDEX)) {
            EvidenceItem item = new EvidenceItem(0, BundleFormat.text(i, "messageId"), BundleFormat.text(i, "caseId"),
                    BundleFormat.text(i, "partnerId"), EvidenceItem.Direction.valueOf(i.path("direction").asText()),
                    EvidenceItem.Kind.valueOf(i.path("kind").asText()), BundleFormat.text(i, "digest"), null, Instant.EPOCH, null, null);
            String path = BundleFormat.text(i, "path");
            if (path == null) {
                purged++;
            } else if (!item.digest().equals(listed.get(path))) {
                throw new BundleProblem(what(item) + ": " + path + " does not hash to the item's digest");
            }
            byRecord.computeIfAbsent(item.auditEventType() + "\n" + item.messageId(), k -> new ArrayList<>()).add(items.size());
            items.add(item);
        }
        return new Evidence(items, byRecord, purged);
    }

    /** 7b. Each agreement file hashes to its recorded SHA-256. */
    private static void agreements(Map<String, byte[]> small, Map<String, String> listed) throws BundleProblem {
        for (JsonNode p : parse(small.get(BundleFormat.POLICY_INDEX), BundleFormat.POLICY_INDEX)) {
            String path = p.path("path").asText();
            if (!listed.containsKey(path) || !listed.get(path).equals(p.path("sha256").asText())) {
                throw new BundleProblem("agreement file " + path + " does not hash to its recorded SHA-256");
            }
        }
    }

    /** 6. The audit records, parsed one by one as the entry inflates, digested again on the way (the bytes parsed are the ones listed). */
    private static Chain records(Parts parts, Map<String, String> listed, Evidence evidence) throws BundleProblem, IOException {
        Chain chain = new Chain(evidence.items(), evidence.byRecord());
        MessageDigest sha256 = sha256();
        String expected = listed.get(BundleFormat.RECORDS);
        try (InputStream in = new DigestInputStream(parts.open(BundleFormat.RECORDS), sha256)) {
            try {
                readRecords(in, chain);
            } catch (BundleProblem p) {
                in.transferTo(OutputStream.nullOutputStream());
                if (!HexFormat.of().formatHex(sha256.digest()).equals(expected)) {
                    throw changedWhileRead(BundleFormat.RECORDS);
                }
                throw p;
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (BundleZip.Corrupt e) {
            throw new BundleProblem(e.getMessage());
        }
        if (!HexFormat.of().formatHex(sha256.digest()).equals(expected)) {
            throw changedWhileRead(BundleFormat.RECORDS);
        }
        if (chain.count == 0 || chain.full == 0) {
            throw new BundleProblem(BundleFormat.RECORDS + " holds no selected audit records");
        }
        return chain;
    }

    /** The audit chain as it streams past: its ends, counts, and which evidence items found their record. */
    private static final class Chain {
        final List<EvidenceItem> items;
        final Map<String, List<Integer>> itemsByRecord;
        final boolean[] matched;
        long firstSeq = -1;
        long lastSeq = -1;
        String lastHash;
        long count;
        long full;
        long hashedOnly;

        Chain(List<EvidenceItem> items, Map<String, List<Integer>> itemsByRecord) {
            this.items = items;
            this.itemsByRecord = itemsByRecord;
            this.matched = new boolean[items.size()];
        }

        void add(JsonNode n) throws BundleProblem {
            boolean hashed = n.has("hashedOnly");
            Set<String> fields = new TreeSet<>();
            n.fieldNames().forEachRemaining(fields::add);
            long seq = n.path("seq").canConvertToExactIntegral() && n.path("seq").canConvertToLong() ? n.path("seq").asLong() : -1;
            String where = BundleFormat.RECORDS + ", record " + (seq < 0 ? "#" + (count + 1) : String.valueOf(seq));
            if (hashed ? !fields.equals(BundleFormat.HASHED_RECORD) || !n.path("hashedOnly").asBoolean(false)
                    : !fields.equals(BundleFormat.FULL_RECORD)) {
                throw new BundleProblem(where + ": " + (hashed ? "a hashed-only record must hold exactly seq, prevHash, hash and hashedOnly: true"
                        : "a record must hold exactly the fields " + new TreeSet<>(BundleFormat.FULL_RECORD)) + ", not " + fields);
            }
            if (seq < 1 || !HASH.matcher(n.path("prevHash").asText()).matches() || !HASH.matcher(n.path("hash").asText()).matches()) {
                throw new BundleProblem(where + ": malformed sequence number or hash");
            }
            String prevHash = n.path("prevHash").asText();
            String hash = n.path("hash").asText();
            if (count == 0) {
                firstSeq = seq;
            } else if (seq != lastSeq + 1) {
                ChainProblem p = seq > lastSeq + 1
                        ? new ChainProblem(lastSeq + 1, ChainProblem.Kind.MISSING, "record " + (lastSeq + 1) + " is missing (next present is " + seq + ")")
                        : new ChainProblem(seq, ChainProblem.Kind.OUT_OF_ORDER, "record " + seq + " is out of order (expected " + (lastSeq + 1) + ")");
                throw chainProblem(p);
            }
            if (hashed) {
                if (count > 0 && !prevHash.equals(lastHash)) {
                    throw chainProblem(new ChainProblem(seq, ChainProblem.Kind.BROKEN_LINK, "record " + seq + " (hashed only) does not link to its"
                            + " predecessor (prev_hash " + prevHash.substring(0, 12) + "…, predecessor's hash " + lastHash.substring(0, 12) + "…)"));
                }
                hashedOnly++;
            } else {
                AuditRecord r;
                try {
                    for (String f : BundleFormat.FULL_RECORD) {
                        if (!f.equals("seq") && !n.get(f).isTextual() && !n.get(f).isNull()) {
                            throw new IllegalArgumentException("field " + f + " is not text");
                        }
                    }
                    r = BundleFormat.record(n);
                } catch (RuntimeException e) {
                    throw new BundleProblem(where + " is malformed: " + e.getMessage());
                }
                Optional<ChainProblem> broken = AuditChain.check(List.of(r), seq, count == 0 ? prevHash : lastHash);
                if (broken.isPresent()) {
                    throw chainProblem(broken.get());
                }
                List<Integer> candidates = itemsByRecord.get(r.event().type() + "\n" + r.event().messageId());
                if (candidates != null) {
                    for (int i : candidates) {
                        matched[i] |= items.get(i).matches(r.event());
                    }
                }
                full++;
            }
            lastSeq = seq;
            lastHash = hash;
            count++;
        }

        private static BundleProblem chainProblem(ChainProblem p) {
            return new BundleProblem("audit chain, " + p.kind() + ": " + p.message());
        }
    }

    private static void readRecords(InputStream in, Chain chain) throws BundleProblem, IOException {
        try (JsonParser p = BundleFormat.STRICT_JSON.getFactory().createParser(in).disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BundleProblem(BundleFormat.RECORDS + " is not a JSON array of records");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                chain.add(BundleFormat.STRICT_JSON.readTree(p));
            }
            if (t != JsonToken.END_ARRAY || p.nextToken() != null) {
                throw new BundleProblem(BundleFormat.RECORDS + " is not a JSON array of records");
            }
        } catch (BundleZip.Corrupt e) {
            throw new BundleProblem(e.getMessage());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BundleProblem(BundleFormat.RECORDS + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static BundleProblem changedWhileRead(String path) {
        return new BundleProblem("entry " + path + " changed while the bundle was being verified (its SHA-256 no longer matches the manifest's)");
    }

    private static String what(EvidenceItem item) {
        return "evidence item " + item.label() + " of message " + item.messageId();
    }

    /** An entry read whole, at most {@code limit} bytes. */
    private static byte[] small(Parts parts, String path, long limit) throws BundleProblem, IOException {
        long size = parts.size(path);
        if (size < 0) {
            throw new BundleProblem("entry " + path + " is missing");
        }
        if (size > limit) {
            throw new BundleProblem("entry " + path + " declares " + size + " bytes, more than the limit of " + limit + " for a part read whole");
        }
        try (InputStream in = parts.open(path)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length != size || in.read() != -1) { // the end of the stream checks the size and the CRC-32 too
                throw new BundleProblem("entry " + path + " does not hold the " + size + " bytes its headers declare");
            }
            return b;
        } catch (BundleZip.Corrupt e) {
            throw new BundleProblem(e.getMessage());
        }
    }

    private static String digest(Parts parts, String path) throws BundleProblem, IOException {
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = parts.open(path)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
            }
        } catch (BundleZip.Corrupt e) {
            throw new BundleProblem(e.getMessage());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] json, String path) throws BundleProblem {
        try {
            JsonNode n = BundleFormat.STRICT_JSON.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new BundleProblem(path + " is not valid JSON");
            }
            return n;
        } catch (IOException e) {
            throw new BundleProblem(path + " is not valid JSON");
        }
    }

    private static Instant instant(String text, String what) throws BundleProblem {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new BundleProblem(what + " is not a time: " + text);
        }
    }

    private static List<X509Certificate> certificates(byte[] pem, String path) throws BundleProblem {
        try {
            return BundleFormat.certificates(pem);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BundleProblem(path + " holds no readable certificate");
        }
    }
}
