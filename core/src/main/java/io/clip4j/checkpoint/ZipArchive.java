package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive read from a memory-mapped file. torch.save writes its entries STORED (uncompressed) and
 * 64-byte aligned precisely so that they can be used in place: {@link #entry} returns a slice of the mapping
 * for those, and only inflates (into {@code scratch}) entries that some other tool re-compressed.
 */
final class ZipArchive {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    record Entry(String name, int method, int flags, long compressedSize, long size, long localHeaderOffset) {}

    /**
     * Deflate can shrink data at most ~1032:1, but weights hardly compress at all; an entry may inflate to at most
     * this many times its compressed bytes (plus {@link #INFLATE_FLOOR}), and all inflated entries together to at
     * most this many times the file. A 3 MB entry of zeros claiming 3 GB is a bomb, not a checkpoint.
     */
    static final long MAX_RATIO = 64;

    static final long INFLATE_FLOOR = 1 << 20;

    private final Path path;
    private final MemorySegment file;
    private long inflatedBytes;
    private final Arena scratch;
    private final Map<String, Entry> entries;

    ZipArchive(Path path, MemorySegment file, Arena scratch) {
        this.path = path;
        this.file = file;
        this.scratch = scratch;
        this.entries = Collections.unmodifiableMap(readCentralDirectory());
    }

    static boolean looksLikeZip(MemorySegment file) {
        return file.byteSize() >= 4 && (file.get(U32, 0) == 0x04034b50 || file.get(U32, 0) == 0x06054b50);
    }

    Map<String, Entry> entries() {
        return entries;
    }

    long fileBytes() {
        return file.byteSize();
    }

    private Clip4jException bad(String what) {
        return new Clip4jException(path + ": invalid zip archive: " + what);
    }

    private int u16(long at) {
        check(at, 2);
        return file.get(U16, at) & 0xffff;
    }

    private long u32(long at) {
        check(at, 4);
        return file.get(U32, at) & 0xffffffffL;
    }

    private long u64(long at) {
        check(at, 8);
        long v = file.get(U64, at);
        if (v < 0) throw bad("64-bit field out of range (truncated or corrupt)");
        return v;
    }

    private void check(long at, long len) {
        if (at < 0 || at + len > file.byteSize()) throw bad("a record points past the end of the file (truncated?)");
    }

    private Map<String, Entry> readCentralDirectory() {
        long size = file.byteSize();
        long eocd = -1;
        for (long at = size - 22; at >= Math.max(0, size - 22 - 65535); at--) {
            if (file.get(U32, at) == 0x06054b50) {
                eocd = at;
                break;
            }
        }
        if (eocd < 0) throw bad("no end-of-central-directory record (truncated?)");
        long count = u16(eocd + 10);
        long cdSize = u32(eocd + 12);
        long cdOffset = u32(eocd + 16);
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            // Zip64: archives above 4 GB (large models) keep the real values in the zip64 end record.
            long locator = eocd - 20;
            if (locator < 0 || u32(locator) != 0x07064b50) throw bad("zip64 locator missing");
            long z64 = u64(locator + 8);
            if (u32(z64) != 0x06064b50) throw bad("zip64 end record missing");
            count = u64(z64 + 32);
            cdSize = u64(z64 + 40);
            cdOffset = u64(z64 + 48);
        }
        check(cdOffset, cdSize);
        Map<String, Entry> out = new LinkedHashMap<>();
        long at = cdOffset;
        for (long i = 0; i < count; i++) {
            if (u32(at) != 0x02014b50) throw bad("central directory entry " + i + " is corrupt");
            int flags = u16(at + 8);
            int method = u16(at + 10);
            long comp = u32(at + 20);
            long usize = u32(at + 24);
            int nameLen = u16(at + 28);
            int extraLen = u16(at + 30);
            int commentLen = u16(at + 32);
            long local = u32(at + 42);
            check(at + 46, nameLen + extraLen);
            String name =
                    new String(file.asSlice(at + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            if (out.containsKey(name)) throw bad("entry '" + Printable.of(name) + "' appears twice");
            long x = at + 46 + nameLen;
            long xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = u16(x);
                int len = u16(x + 2);
                if (id == 0x0001) {
                    long p = x + 4;
                    if (usize == 0xffffffffL) {
                        usize = u64(p);
                        p += 8;
                    }
                    if (comp == 0xffffffffL) {
                        comp = u64(p);
                        p += 8;
                    }
                    if (local == 0xffffffffL) {
                        local = u64(p);
                    }
                }
                x += 4 + len;
            }
            out.put(name, new Entry(name, method, flags, comp, usize, local));
            at += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    /** The bytes of entry {@code name}: a slice of the mapping when STORED, an inflated copy when DEFLATED. */
    MemorySegment entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new Clip4jException(path + ": archive has no entry '" + Printable.of(name) + "'");
        String shown = Printable.of(name);
        if ((e.flags() & 1) != 0) throw bad("entry '" + shown + "' is encrypted");
        long local = e.localHeaderOffset();
        if (u32(local) != 0x04034b50) throw bad("local header of '" + shown + "' is corrupt");
        // The local header's own name/extra lengths decide where the data starts (torch pads the extra field
        // so that data is 64-byte aligned; the central directory's extra field may differ).
        long data = local + 30 + u16(local + 26) + u16(local + 28);
        if (e.compressedSize() > file.byteSize() - data)
            throw bad("entry '" + shown + "' extends past the end of the file (truncated?)");
        MemorySegment stored = file.asSlice(data, e.compressedSize());
        return switch (e.method()) {
            case 0 -> {
                if (e.compressedSize() != e.size()) throw bad("stored entry '" + shown + "' has inconsistent sizes");
                yield stored;
            }
            case 8 -> inflate(shown, stored, e.size());
            default -> throw bad("entry '" + shown + "' uses unsupported compression method " + e.method());
        };
    }

    private MemorySegment inflate(String name, MemorySegment in, long size) {
        // Checked before anything is allocated: the declared size is what the buffer would be.
        if (size > INFLATE_FLOOR + MAX_RATIO * in.byteSize()) {
            throw bad("entry '" + name + "' claims " + size + " bytes from " + in.byteSize() + " compressed (more than "
                    + MAX_RATIO + ":1; a zip bomb?)");
        }
        if (inflatedBytes + size > INFLATE_FLOOR + MAX_RATIO * file.byteSize()) {
            throw bad("entries inflate to more than " + MAX_RATIO + " times the file's size (a zip bomb?)");
        }
        inflatedBytes += size;
        MemorySegment out = scratch.allocate(Math.max(1, size), 64).asSlice(0, size);
        Inflater inf = new Inflater(true);
        try {
            long inPos = 0;
            long outPos = 0;
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    if (inPos >= in.byteSize()) throw bad("entry '" + name + "' is truncated");
                    long n = Math.min(1 << 20, in.byteSize() - inPos);
                    inf.setInput(in.asSlice(inPos, n).asByteBuffer());
                    inPos += n;
                }
                if (outPos >= size) {
                    // Nothing fits any more: either the stream ends now or it is longer than declared.
                    if (inf.inflate(new byte[1]) > 0) throw bad("entry '" + name + "' inflates past its declared size");
                    if (!inf.finished() && inPos >= in.byteSize() && inf.needsInput())
                        throw bad("entry '" + name + "' is truncated");
                    continue;
                }
                long n = Math.min(1 << 20, size - outPos);
                int got = inf.inflate(out.asSlice(outPos, n).asByteBuffer());
                if (got == 0 && inf.needsDictionary()) throw bad("entry '" + name + "' needs a preset dictionary");
                outPos += got;
            }
            if (outPos != size) throw bad("entry '" + name + "' inflates to " + outPos + " bytes, not " + size);
        } catch (DataFormatException ex) {
            throw bad("entry '" + name + "' is corrupt: " + ex.getMessage());
        } finally {
            inf.end();
        }
        return out;
    }
}
