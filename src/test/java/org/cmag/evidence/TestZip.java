package org.cmag.evidence;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A ZIP written byte by byte as the test says, so that tests can build archives that say two things: local entries and
 * raw blobs are appended in order, central directory records are written from any descriptor (the real one of a local
 * entry, or a changed copy), then the end record. {@link #canonical} writes the same form as the bundle writer.
 */
final class TestZip {
    static final int STORED = 0;
    static final int DEFLATED = 8;

    /** What a central record says about an entry (initially: what its local header says). */
    record Local(String name, int method, int flags, long crc, long compressedSize, long size, long offset, int extraLength, byte[] extra) {
        Local withName(String n) {
            return new Local(n, method, flags, crc, compressedSize, size, offset, extraLength, extra);
        }

        Local withOffset(long o) {
            return new Local(name, method, flags, crc, compressedSize, size, o, extraLength, extra);
        }

        Local withCrc(long c) {
            return new Local(name, method, flags, c, compressedSize, size, offset, extraLength, extra);
        }

        Local withSizes(long compressed, long uncompressed) {
            return new Local(name, method, flags, crc, compressed, uncompressed, offset, extraLength, extra);
        }
    }

    private final Sink out;
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int records;
    private byte[] comment = new byte[0];
    private int madeBy = 20;
    private long externalAttributes;

    TestZip() {
        this(new ByteArrayOutputStream());
    }

    /** Writes to {@code target} as it goes (for archives too large for memory); {@link #finish} then returns an empty array. */
    TestZip(OutputStream target) {
        this.out = new Sink(target);
    }

    /** The archive of {@code entries} as the bundle writer would write it (any names allowed here). */
    static byte[] canonical(Map<String, byte[]> entries) {
        TestZip z = new TestZip();
        List<Local> locals = new ArrayList<>();
        entries.forEach((name, content) -> locals.add(z.local(name, content)));
        locals.forEach(z::central);
        return z.finish();
    }

    /** The entries of a canonical archive, in order, plus one entry replaced or added. */
    static Map<String, byte[]> with(Map<String, byte[]> entries, String name, byte[] content) {
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(name, content);
        return m;
    }

    long position() {
        return out.count;
    }

    /** A local entry, DEFLATE when that is smaller (as the writer does). */
    Local local(String name, byte[] content) {
        byte[] deflated = deflate(content);
        return deflated.length < content.length ? local(name, content, DEFLATED, 0, deflated) : local(name, content, STORED, 0, content);
    }

    /** A local entry with this method and flags, and {@code data} as its stored or compressed bytes. */
    Local local(String name, byte[] content, int method, int flags, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return localRaw(new Local(name, method, flags, crc.getValue(), data.length, content.length, position(), 0, new byte[0]), data);
    }

    /** A local header exactly as {@code l} says (its offset is where it lands), then {@code data}. */
    Local localRaw(Local l, byte[] data) {
        Local at = l.withOffset(position());
        byte[] name = at.name().getBytes(StandardCharsets.UTF_8);
        out.u32(0x04034b50).u16(20).u16(at.flags()).u16(at.method()).u16(0).u16(0x21).u32(at.crc()).u32(at.compressedSize()).u32(at.size())
                .u16(name.length).u16(at.extraLength()).bytes(name).bytes(at.extra()).bytes(data);
        return at;
    }

    /** Only the local header for {@code l} (where it lands); its data follows with {@link #raw}. */
    Local localHeader(Local l) {
        return localRaw(l, new byte[0]);
    }

    /** Any bytes, where the archive is now. */
    TestZip raw(byte[] bytes) {
        out.bytes(bytes);
        return this;
    }

    /** The central record for {@code l} (its values, whatever the local header at its offset says). */
    TestZip central(Local l) {
        byte[] name = l.name().getBytes(StandardCharsets.UTF_8);
        Sink c = new Sink(central);
        c.u32(0x02014b50).u16(madeBy).u16(20).u16(l.flags()).u16(l.method()).u16(0).u16(0x21).u32(l.crc()).u32(l.compressedSize()).u32(l.size())
                .u16(name.length).u16(l.extraLength()).u16(0).u16(0).u16(0).u32(externalAttributes).u32(l.offset()).bytes(name).bytes(l.extra());
        records++;
        return this;
    }

    /** Central records written after this say "made by" {@code host} (0 MS-DOS, 3 Unix) with these external attributes. */
    TestZip attributes(int host, long external) {
        this.madeBy = (host << 8) | 20;
        this.externalAttributes = external;
        return this;
    }

    TestZip comment(String text) {
        this.comment = text.getBytes(StandardCharsets.US_ASCII);
        return this;
    }

    /** The central directory and the end record; the archive's bytes (empty when writing to a stream). */
    byte[] finish() {
        return finish(new byte[0]);
    }

    /** The same, with {@code beforeEnd} between the central directory and the end record (e.g. ZIP64 end records). */
    byte[] finish(byte[] beforeEnd) {
        long cdOffset = position();
        byte[] cd = central.toByteArray();
        out.bytes(cd);
        out.bytes(beforeEnd);
        out.u32(0x06054b50).u16(0).u16(0).u16(records).u16(records).u32(cd.length).u32(cdOffset).u16(comment.length).bytes(comment);
        return out.target instanceof ByteArrayOutputStream b ? b.toByteArray() : new byte[0];
    }

    static byte[] deflate(byte[] content) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(content);
        d.finish();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            b.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return b.toByteArray();
    }

    private static final class Sink {
        final OutputStream target;
        long count;

        Sink(OutputStream target) {
            this.target = target;
        }

        Sink u16(int v) {
            return bytes(new byte[] {(byte) v, (byte) (v >>> 8)});
        }

        Sink u32(long v) {
            return bytes(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
        }

        Sink bytes(byte[] b) {
            try {
                target.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            count += b.length;
            return this;
        }
    }
}
