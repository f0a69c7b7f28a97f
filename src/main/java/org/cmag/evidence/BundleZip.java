package org.cmag.evidence;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The ZIP container of an evidence bundle, written and read so that the archive means one thing to every reader.
 *
 * <p><b>Writing</b> ({@link #write}) produces the plainest ZIP there is: for each entry a local header (version 2.0,
 * no flags, method STORED or DEFLATE, fixed time 1980-01-01, CRC-32 and both sizes in the header, no extra field) and
 * its data, back to back from byte 0; then the central directory with the same values (made by MS-DOS, no attributes,
 * no comments); then the end record, with no archive comment. No data descriptors, no ZIP64, no encryption.
 *
 * <p><b>Reading</b> ({@link #open}) starts where standard tools start (the end record, then the central directory)
 * and accepts only that form, so that what it verifies is what {@code unzip}, Python's {@code zipfile} or
 * {@link java.util.zip.ZipFile} would extract: the end record is the file's last 22 bytes (nothing appended, no
 * comment, no ZIP64 records); the central directory ends where the end record starts and holds exactly the announced
 * entries; every entry's local header agrees with its central record (version, flags, method, time, date, CRC-32,
 * sizes, name); the entries' headers and data tile the file from byte 0 to the central directory with no gap (nothing
 * prepended, nothing hidden between entries) and no overlap; names are unique (also ignoring case), relative, plain
 * ASCII paths of files; sizes, the compression ratio and the number of entries are within {@link BundleLimits}. Entry
 * data is then read as a stream ({@link Archive#open}): inflated in 64 KiB steps, stopped at the first byte beyond the
 * declared size, and checked at its end for the declared size, the CRC-32 and no bytes after the deflate stream.
 */
final class BundleZip {
    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int LOCAL_SIZE = 30;
    private static final int CENTRAL_SIZE = 46;
    private static final int END_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int VERSION = 20;
    private static final int UTF8_NAMES = 0x0800;
    /** Bits 1 and 2 are DEFLATE's informational level hints; 11 says names are UTF-8 (ours are ASCII either way). */
    private static final int HARMLESS_FLAGS = UTF8_NAMES | 0x0006;
    private static final int DOS_DATE_1980 = (1 << 5) | 1;
    static final int MAX_NAME = 255;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final int BUFFER = 64 * 1024;

    private BundleZip() {}

    /** Whether {@code name} may name an entry: a relative path of segments of {@code [A-Za-z0-9._-]}, none starting with a dot. */
    static boolean validName(String name) {
        return name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    // ---------------------------------------------------------------- writing

    /** The archive of {@code entries} (name to content, in this order), in the one form {@link #open} accepts. */
    static byte[] write(Map<String, byte[]> entries) {
        if (entries.size() > 0xFFFE) {
            throw new IllegalArgumentException("too many entries for an evidence bundle: " + entries.size());
        }
        Out out = new Out();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        Out cd = new Out(central);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            String name = e.getKey();
            if (!validName(name)) {
                throw new IllegalArgumentException("not a valid entry name: " + name);
            }
            byte[] content = e.getValue();
            byte[] deflated = deflate(content);
            int method = deflated.length < content.length ? DEFLATED : STORED;
            byte[] data = method == DEFLATED ? deflated : content;
            CRC32 crc = new CRC32();
            crc.update(content);
            byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
            long offset = out.size();
            out.u32(LOCAL).u16(VERSION).u16(0).u16(method).u16(0).u16(DOS_DATE_1980).u32(crc.getValue()).u32(data.length).u32(content.length)
                    .u16(nameBytes.length).u16(0).bytes(nameBytes).bytes(data);
            cd.u32(CENTRAL).u16(VERSION).u16(VERSION).u16(0).u16(method).u16(0).u16(DOS_DATE_1980).u32(crc.getValue()).u32(data.length)
                    .u32(content.length).u16(nameBytes.length).u16(0).u16(0).u16(0).u16(0).u32(0).u32(offset).bytes(nameBytes);
        }
        long cdOffset = out.size();
        out.bytes(central.toByteArray());
        out.u32(END).u16(0).u16(0).u16(entries.size()).u16(entries.size()).u32(central.size()).u32(cdOffset).u16(0);
        if (out.size() > 0xFFFFFFFEL) {
            throw new IllegalArgumentException("an evidence bundle is limited to 4 GiB (no ZIP64)");
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] content) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            d.setInput(content);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, content.length / 2));
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /** Little-endian writer. */
    private static final class Out {
        private final ByteArrayOutputStream bytes;

        Out() {
            this(new ByteArrayOutputStream());
        }

        Out(ByteArrayOutputStream bytes) {
            this.bytes = bytes;
        }

        Out u16(int v) {
            bytes.write(v & 0xFF);
            bytes.write((v >>> 8) & 0xFF);
            return this;
        }

        Out u32(long v) {
            u16((int) (v & 0xFFFF));
            return u16((int) ((v >>> 16) & 0xFFFF));
        }

        Out bytes(byte[] b) {
            bytes.write(b, 0, b.length);
            return this;
        }

        long size() {
            return bytes.size();
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    // ---------------------------------------------------------------- reading

    /** One entry, as its central record and local header (which agree) describe it. */
    record Entry(String name, int method, long crc, long compressedSize, long size, long headerOffset, long dataOffset) {}

    /** A checked archive: its entries in central-directory order, their data readable as streams. */
    static final class Archive implements Closeable {
        private final FileChannel channel;
        private final List<Entry> entries;
        private final Map<String, Entry> byName;

        private Archive(FileChannel channel, List<Entry> entries) {
            this.channel = channel;
            this.entries = List.copyOf(entries);
            Map<String, Entry> m = new LinkedHashMap<>();
            entries.forEach(e -> m.put(e.name(), e));
            this.byName = m;
        }

        List<Entry> entries() {
            return entries;
        }

        Optional<Entry> entry(String name) {
            return Optional.ofNullable(byName.get(name));
        }

        /**
         * The entry's content as a stream, inflated as it is read; it throws {@link Corrupt} as soon as the data inflates
         * beyond the declared size, and at its end when the size, the CRC-32 or the end of the deflate stream is wrong.
         */
        InputStream open(Entry e) {
            return new EntryStream(channel, e);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** An entry's data is not what its headers say (a readable sentence naming the entry). */
    static final class Corrupt extends IOException {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message);
        }
    }

    /**
     * Opens {@code file} and checks its structure (see the class comment); {@link BundleProblem} names the first
     * problem. Nothing is inflated here.
     */
    static Archive open(Path file, BundleLimits limits) throws BundleProblem, IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            Archive a = new Archive(channel, check(channel, limits));
            channel = null;
            return a;
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    private static List<Entry> check(FileChannel ch, BundleLimits limits) throws BundleProblem, IOException {
        long size = ch.size();
        if (size < END_SIZE) {
            throw new BundleProblem("the file is not a ZIP archive (" + size + " bytes, too short for one; truncated?)");
        }
        if (size > 0xFFFFFFFFL) {
            throw new BundleProblem("the file is larger than 4 GiB: evidence bundles do not use ZIP64");
        }
        long endAt = size - END_SIZE;
        ByteBuffer end = read(ch, endAt, END_SIZE);
        if (end.getInt(0) != END) {
            throw new BundleProblem(misplacedEnd(ch, size));
        }
        if (u16(end, 20) != 0) {
            throw new BundleProblem("the end record announces a comment of " + u16(end, 20) + " bytes, but the file ends with it (corrupt)");
        }
        int disk = u16(end, 4);
        int cdDisk = u16(end, 6);
        int onDisk = u16(end, 8);
        int count = u16(end, 10);
        long cdSize = u32(end, 12);
        long cdOffset = u32(end, 16);
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw new BundleProblem("the end record defers to a ZIP64 record: evidence bundles do not use ZIP64");
        }
        if (disk != 0 || cdDisk != 0 || onDisk != count) {
            throw new BundleProblem("the archive claims to span several disks (disk " + disk + ", central directory on disk " + cdDisk + ")");
        }
        if (count == 0) {
            throw new BundleProblem("the archive has no entries");
        }
        if (count > limits.maxEntries()) {
            throw new BundleProblem("the archive has " + count + " entries, more than the limit of " + limits.maxEntries());
        }
        if (cdOffset + cdSize != endAt) {
            throw new BundleProblem(misplacedCentralDirectory(ch, cdOffset, cdSize, endAt));
        }
        if (cdSize > (long) count * (CENTRAL_SIZE + MAX_NAME)) {
            throw new BundleProblem("the central directory (" + cdSize + " bytes) is larger than " + count + " entries with names of at most "
                    + MAX_NAME + " bytes can be");
        }

        // the central directory: exactly count records filling it, each of a kind we write
        ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
        List<Central> records = new ArrayList<>(count);
        Map<String, String> folded = new HashMap<>();
        long total = 0;
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (pos + CENTRAL_SIZE > cdSize || cd.getInt(pos) != CENTRAL) {
                throw new BundleProblem("central directory record " + (i + 1) + " of " + count + " is missing or malformed (at byte " + (cdOffset + pos)
                        + ")");
            }
            Central c = new Central(u16(cd, pos + 4), u16(cd, pos + 6), u16(cd, pos + 8), u16(cd, pos + 10), u16(cd, pos + 12), u16(cd, pos + 14),
                    u32(cd, pos + 16), u32(cd, pos + 20), u32(cd, pos + 24), u16(cd, pos + 28), u16(cd, pos + 30), u16(cd, pos + 32),
                    u16(cd, pos + 34), u16(cd, pos + 36), u32(cd, pos + 38), u32(cd, pos + 42), null, null);
            int variable = c.nameLength + c.extraLength + c.commentLength;
            if (pos + CENTRAL_SIZE + variable > cdSize) {
                throw new BundleProblem("central directory record " + (i + 1) + " runs past the end of the central directory");
            }
            byte[] nameBytes = new byte[c.nameLength];
            cd.get(pos + CENTRAL_SIZE, nameBytes);
            String name = name(nameBytes, i + 1);
            c = c.named(name, nameBytes);
            checkCentral(c, cd, pos + CENTRAL_SIZE + c.nameLength, limits);
            String previous = folded.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (previous != null) {
                throw new BundleProblem(previous.equals(name) ? "entry " + name + " occurs twice in the central directory"
                        : "entries " + previous + " and " + name + " differ only in case (one would overwrite the other when extracted)");
            }
            total += c.size;
            if (total > limits.maxTotalBytes()) {
                throw new BundleProblem("the entries declare " + total + " bytes in all (up to " + name + "), more than the limit of "
                        + limits.maxTotalBytes());
            }
            records.add(c);
            pos += CENTRAL_SIZE + variable;
        }
        if (pos != cdSize) {
            throw new BundleProblem((cdSize - pos) + " bytes of the central directory follow its " + count + " records (hidden data)");
        }

        // the local headers: the same values, tiling the file from byte 0 to the central directory
        List<Central> byOffset = new ArrayList<>(records);
        byOffset.sort(Comparator.comparingLong(Central::headerOffset));
        Map<Central, Long> dataOffsets = new HashMap<>();
        long expected = 0;
        Central previous = null;
        for (Central c : byOffset) {
            if (c.headerOffset < expected) {
                throw new BundleProblem("entries " + previous.name + " and " + c.name + " overlap: " + c.name + "'s local header at byte "
                        + c.headerOffset + " lies inside " + previous.name + ", which ends at byte " + expected);
            }
            if (c.headerOffset > expected) {
                throw new BundleProblem(previous == null
                        ? c.headerOffset + " bytes precede the first entry " + c.name + " (data prepended to the archive, or the archive appended to other"
                                + " data)"
                        : "bytes " + expected + " to " + (c.headerOffset - 1) + " belong to no entry of the central directory (data hidden between "
                                + previous.name + " and " + c.name + ")");
            }
            if (c.headerOffset + LOCAL_SIZE > cdOffset) {
                throw new BundleProblem("entry " + c.name + "'s local header at byte " + c.headerOffset + " runs into the central directory");
            }
            ByteBuffer local = read(ch, c.headerOffset, LOCAL_SIZE);
            if (local.getInt(0) != LOCAL) {
                throw new BundleProblem("entry " + c.name + ": no local header at byte " + c.headerOffset + " where the central directory points");
            }
            int localNameLength = u16(local, 26);
            int localExtraLength = u16(local, 28);
            String differs = u16(local, 4) != c.versionNeeded ? "version needed"
                    : u16(local, 6) != c.flags ? "flags"
                    : u16(local, 8) != c.method ? "compression method"
                    : u16(local, 10) != c.time || u16(local, 12) != c.date ? "modification time"
                    : u32(local, 14) != c.crc ? "CRC-32"
                    : u32(local, 18) != c.compressedSize ? "compressed size"
                    : u32(local, 22) != c.size ? "size"
                    : localNameLength != c.nameLength ? "name"
                    : localExtraLength != 0 ? "extra field" : null;
            if (differs == null) {
                if (c.headerOffset + LOCAL_SIZE + localNameLength > cdOffset) {
                    throw new BundleProblem("entry " + c.name + "'s local header at byte " + c.headerOffset + " runs into the central directory");
                }
                ByteBuffer localName = read(ch, c.headerOffset + LOCAL_SIZE, localNameLength);
                differs = localName.equals(ByteBuffer.wrap(c.nameBytes)) ? null : "name";
            }
            if (differs != null) {
                throw new BundleProblem("entry " + c.name + ": its local header (byte " + c.headerOffset + ") and its central directory record disagree on the "
                        + differs + " (the archive says two things)");
            }
            long dataOffset = c.headerOffset + LOCAL_SIZE + c.nameLength;
            expected = dataOffset + c.compressedSize;
            if (expected > cdOffset) {
                throw new BundleProblem("entry " + c.name + "'s data (" + c.compressedSize + " bytes from byte " + dataOffset
                        + ") runs into the central directory at byte " + cdOffset + " (truncated or overlapping)");
            }
            dataOffsets.put(c, dataOffset);
            previous = c;
        }
        if (expected != cdOffset) {
            throw new BundleProblem("bytes " + expected + " to " + (cdOffset - 1) + " between the last entry " + previous.name
                    + " and the central directory belong to no entry (hidden data)");
        }
        List<Entry> entries = new ArrayList<>(records.size());
        for (Central c : records) {
            entries.add(new Entry(c.name, c.method, c.crc, c.compressedSize, c.size, c.headerOffset, dataOffsets.get(c)));
        }
        return entries;
    }

    /** A central directory record. */
    private record Central(int madeBy, int versionNeeded, int flags, int method, int time, int date, long crc, long compressedSize, long size,
            int nameLength, int extraLength, int commentLength, int diskStart, int internalAttributes, long externalAttributes, long headerOffset,
            String name, byte[] nameBytes) {
        Central named(String n, byte[] bytes) {
            return new Central(madeBy, versionNeeded, flags, method, time, date, crc, compressedSize, size, nameLength, extraLength, commentLength,
                    diskStart, internalAttributes, externalAttributes, headerOffset, n, bytes);
        }

        // identity, not value: two records with equal fields are still two entries
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private static void checkCentral(Central c, ByteBuffer cd, int extraAt, BundleLimits limits) throws BundleProblem {
        String e = "entry " + c.name;
        if (c.extraLength != 0) {
            boolean zip64 = c.extraLength >= 4 && u16(cd, extraAt) == 0x0001;
            throw new BundleProblem(e + " has an extra field (" + c.extraLength + " bytes" + (zip64 ? ", ZIP64" : "")
                    + "): evidence bundles use none (ZIP64 and other extensions are refused)");
        }
        if (c.commentLength != 0) {
            throw new BundleProblem(e + " has a comment: evidence bundles have none");
        }
        if ((c.flags & 0x0001) != 0 || (c.flags & 0x0040) != 0 || (c.flags & 0x2000) != 0) {
            throw new BundleProblem(e + " is encrypted (flags " + hex(c.flags) + "): evidence bundles are not");
        }
        if ((c.flags & 0x0008) != 0) {
            throw new BundleProblem(e + " uses a data descriptor (flag bit 3): evidence bundles put sizes and CRC-32 in the headers"
                    + " (bundles exported before format " + BundleFormat.FORMAT + " used them: export the bundle again)");
        }
        if ((c.flags & ~HARMLESS_FLAGS) != 0) {
            throw new BundleProblem(e + " has unsupported flags " + hex(c.flags));
        }
        if (c.method != STORED && c.method != DEFLATED) {
            throw new BundleProblem(e + " uses compression method " + c.method + ": evidence bundles use only STORED (0) and DEFLATE (8)");
        }
        if (c.versionNeeded > VERSION) {
            throw new BundleProblem(e + " needs ZIP version " + c.versionNeeded / 10 + "." + c.versionNeeded % 10
                    + " (ZIP64, encryption or newer methods): evidence bundles need 2.0");
        }
        if (c.diskStart != 0) {
            throw new BundleProblem(e + " starts on disk " + c.diskStart + ": evidence bundles are one file");
        }
        int host = c.madeBy >>> 8;
        long unixMode = c.externalAttributes >>> 16;
        if ((c.externalAttributes & 0x18) != 0 || host == 3 && unixMode != 0 && (unixMode & 0xF000) != 0x8000 || host != 0 && host != 3) {
            throw new BundleProblem(e + " is not marked as a plain file (made by host " + host + ", attributes " + hex(c.externalAttributes)
                    + "): a directory, link or device entry");
        }
        if (c.compressedSize == 0xFFFFFFFFL || c.size == 0xFFFFFFFFL || c.headerOffset == 0xFFFFFFFFL) {
            throw new BundleProblem(e + " defers its sizes or offset to ZIP64: evidence bundles do not use ZIP64");
        }
        if (c.method == STORED && c.compressedSize != c.size) {
            throw new BundleProblem(e + " is stored but its compressed size " + c.compressedSize + " differs from its size " + c.size);
        }
        if (c.size > limits.maxEntryBytes()) {
            throw new BundleProblem(e + " declares " + c.size + " bytes, more than the limit of " + limits.maxEntryBytes() + " bytes per entry");
        }
        if (c.size > BundleLimits.RATIO_FLOOR && c.size > c.compressedSize * limits.maxRatio()) {
            throw new BundleProblem(e + " declares " + c.size + " bytes from " + c.compressedSize + " compressed (ratio "
                    + (c.compressedSize == 0 ? "unbounded" : String.valueOf(c.size / c.compressedSize)) + ", more than the limit of "
                    + limits.maxRatio() + ": a decompression bomb)");
        }
    }

    private static String name(byte[] bytes, int index) throws BundleProblem {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7E) {
                throw new BundleProblem("central directory record " + index + " has a name with a byte 0x" + String.format("%02x", b & 0xFF)
                        + " that is not printable ASCII (names would read differently in different tools)");
            }
        }
        String name = new String(bytes, StandardCharsets.US_ASCII);
        if (bytes.length == 0 || !validName(name)) {
            throw new BundleProblem(name.endsWith("/") ? "entry " + name + " is a directory: evidence bundles hold only files"
                    : "entry '" + name + "' is not a plain relative path (segments of letters, digits, '.', '_' and '-', none starting with a dot)");
        }
        return name;
    }

    /** Why the last 22 bytes are not an end record with no comment: appended data, a comment, or no ZIP at all. */
    private static String misplacedEnd(FileChannel ch, long size) throws IOException {
        int tail = (int) Math.min(size, END_SIZE + MAX_COMMENT + 65_536L);
        ByteBuffer b = read(ch, size - tail, tail);
        for (int i = tail - END_SIZE; i >= 0; i--) {
            if (b.getInt(i) == END) {
                long at = size - tail + i;
                int comment = u16(b, i + 20);
                long after = size - (at + END_SIZE);
                return comment == after ? "the archive has a comment of " + comment + " bytes after its end record: evidence bundles have none"
                        : after + " bytes follow the end of the archive at byte " + (at + END_SIZE) + " (data appended to the archive)";
            }
        }
        return "the file is not a ZIP archive or is truncated: it has no end-of-central-directory record";
    }

    /** Why the central directory does not end where the end record starts. */
    private static String misplacedCentralDirectory(FileChannel ch, long cdOffset, long cdSize, long endAt) throws IOException {
        long actual = endAt - cdSize;
        if (cdOffset + cdSize < endAt) {
            if (endAt - cdOffset - cdSize >= 20 && read(ch, endAt - 20, 4).getInt(0) == ZIP64_LOCATOR) {
                return "the archive has ZIP64 end records before its end record: evidence bundles do not use ZIP64";
            }
            if (actual >= 0 && read(ch, actual, 4).getInt(0) == CENTRAL) {
                return "the central directory is at byte " + actual + ", not at byte " + cdOffset + " where the end record puts it: "
                        + (actual - cdOffset) + " bytes were prepended to or inserted into the archive";
            }
            return (endAt - cdOffset - cdSize) + " bytes lie between the central directory and the end record (hidden data or ZIP64 records)";
        }
        return "the central directory (" + cdSize + " bytes from byte " + cdOffset + ") runs past the end record at byte " + endAt
                + " (truncated or corrupt)";
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("the archive ends at byte " + (position + b.position()));
            }
        }
        return b.flip();
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFFFFFFL;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** An entry's data, read from the file in 64 KiB steps and inflated as it is consumed; see {@link Archive#open}. */
    private static final class EntryStream extends InputStream {
        private final FileChannel channel;
        private final Entry entry;
        private final Inflater inflater;
        private final CRC32 crc = new CRC32();
        private final byte[] input;
        private long position;
        private final long end;
        private long produced;
        private boolean done;

        EntryStream(FileChannel channel, Entry entry) {
            this.channel = channel;
            this.entry = entry;
            this.inflater = entry.method() == DEFLATED ? new Inflater(true) : null;
            this.input = new byte[(int) Math.min(BUFFER, Math.max(1, entry.compressedSize()))];
            this.position = entry.dataOffset();
            this.end = entry.dataOffset() + entry.compressedSize();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = inflater == null ? readStored(b, off, len) : readDeflated(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            produced += n;
            if (produced > entry.size()) {
                throw corrupt("it inflates to more than the " + entry.size() + " bytes its headers declare");
            }
            crc.update(b, off, n);
            return n;
        }

        private int readStored(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = fill(b, off, (int) Math.min(len, end - position));
            position += n;
            return n;
        }

        private int readDeflated(byte[] b, int off, int len) throws IOException {
            for (int idle = 0; idle < 3; ) {
                int n;
                try {
                    n = inflater.inflate(b, off, len);
                } catch (DataFormatException e) {
                    throw corrupt("its compressed data is corrupt (" + e.getMessage() + ")");
                }
                if (n > 0) {
                    return n;
                }
                if (inflater.finished()) {
                    long after = inflater.getRemaining() + (end - position);
                    if (after > 0) {
                        throw corrupt(after + " bytes follow the end of its compressed data (hidden data)");
                    }
                    return -1;
                }
                if (inflater.needsDictionary()) {
                    throw corrupt("its compressed data asks for a preset dictionary");
                }
                if (inflater.needsInput()) {
                    if (position >= end) {
                        throw corrupt("its compressed data ends before the deflate stream does (truncated)");
                    }
                    int want = (int) Math.min(input.length, end - position);
                    fill(input, 0, want);
                    position += want;
                    inflater.setInput(input, 0, want);
                    idle = 0;
                } else {
                    idle++;
                }
            }
            throw corrupt("its compressed data does not progress");
        }

        private int fill(byte[] b, int off, int len) throws IOException {
            ByteBuffer target = ByteBuffer.wrap(b, off, len);
            while (target.hasRemaining()) {
                if (channel.read(target, position + (target.position() - off)) < 0) {
                    throw corrupt("the archive ends inside its data (truncated)");
                }
            }
            return len;
        }

        private void finish() throws IOException {
            done = true;
            end();
            if (produced != entry.size()) {
                throw corrupt("it holds " + produced + " bytes, not the " + entry.size() + " its headers declare");
            }
            if (crc.getValue() != entry.crc()) {
                throw corrupt("its content does not match the CRC-32 its headers declare");
            }
        }

        private Corrupt corrupt(String why) {
            done = true;
            end();
            return new Corrupt("entry " + entry.name() + ": " + why);
        }

        private void end() {
            if (inflater != null) {
                inflater.end();
            }
        }

        @Override
        public void close() {
            done = true;
            end();
        }
    }
}
