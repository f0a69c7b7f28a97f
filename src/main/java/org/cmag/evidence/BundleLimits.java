package org.cmag.evidence;

/**
 * How large an evidence bundle the verifier reads, so that a hostile archive costs bounded memory and time: the number
 * of entries, each entry's and all entries' uncompressed size, the compression ratio of entries larger than
 * {@link #RATIO_FLOOR}, and the largest JSON part that is parsed in memory (the manifest, checkpoint, indexes and
 * certificates; {@code audit/records.json} is parsed as a stream, and every other entry is only digested while it is
 * inflated). The defaults are generous for case and message bundles (a few hundred kilobytes) and refuse decompression
 * bombs; a period bundle of a busy gateway (about 450 bytes per audit record in {@code audit/records.json}) may need
 * {@link #maxEntryBytes} raised. Sizes are checked against the ZIP headers before anything is inflated, and an entry
 * that inflates to more than its headers declare is stopped at the first byte too many.
 *
 * @param maxEntries entries in the archive
 * @param maxEntryBytes uncompressed size of one entry
 * @param maxTotalBytes uncompressed size of all entries together
 * @param maxRatio uncompressed size / compressed size, for entries larger than {@link #RATIO_FLOOR}
 * @param maxJsonBytes uncompressed size of a signed JSON part read into memory (checkpoint, indexes); the manifest is held to
 *     {@link #maxManifestBytes()} and the signer's certificates and signature to {@link #MAX_CERTIFICATE_BYTES}
 */
public record BundleLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxRatio, long maxJsonBytes) {
    /** Entries up to this size are not held to {@link #maxRatio} (tiny entries compress arbitrarily well and cost nothing). */
    public static final long RATIO_FLOOR = 1L << 20;
    private static final long MIB = 1L << 20;

    /** The signer's certificates and the manifest's signature: read before anything vouches for them. */
    public static final long MAX_CERTIFICATE_BYTES = 64 * 1024;

    /** 10,000 entries, 256 MiB per entry, 2 GiB in all, ratio 100, 64 MiB per JSON part. */
    public static final BundleLimits DEFAULTS = new BundleLimits(10_000, 256 * MIB, 2048 * MIB, 100, 64 * MIB);

    public BundleLimits {
        if (maxEntries < 3 || maxEntries > 0xFFFE || maxEntryBytes < 1 || maxTotalBytes < maxEntryBytes || maxRatio < 2 || maxJsonBytes < 1
                || maxJsonBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bundle limits out of range: " + maxEntries + " entries, " + maxEntryBytes + " bytes per entry, "
                    + maxTotalBytes + " in all, ratio " + maxRatio + ", " + maxJsonBytes + " bytes per JSON part");
        }
    }

    /**
     * The manifest is parsed before its signature is checked, so it is held to what {@link #maxEntries} entries need
     * (64 KiB plus 1 KiB per entry; a listed entry takes about 150 bytes), not to {@link #maxJsonBytes}.
     */
    public long maxManifestBytes() {
        return Math.min(maxJsonBytes, 64 * 1024 + 1024L * maxEntries);
    }

    public BundleLimits withMaxEntryBytes(long bytes) {
        return new BundleLimits(maxEntries, bytes, Math.max(maxTotalBytes, bytes), maxRatio, Math.min(maxJsonBytes, bytes));
    }

    public BundleLimits withMaxTotalBytes(long bytes) {
        return new BundleLimits(maxEntries, Math.min(maxEntryBytes, bytes), bytes, maxRatio, Math.min(maxJsonBytes, bytes));
    }

    public BundleLimits withMaxRatio(int ratio) {
        return new BundleLimits(maxEntries, maxEntryBytes, maxTotalBytes, ratio, maxJsonBytes);
    }

    public BundleLimits withMaxEntries(int entries) {
        return new BundleLimits(entries, maxEntryBytes, maxTotalBytes, maxRatio, maxJsonBytes);
    }
}
