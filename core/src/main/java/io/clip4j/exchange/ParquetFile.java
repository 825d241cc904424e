package io.clip4j.exchange;

import io.clip4j.Clip4jException;
import io.clip4j.exchange.ThriftCompactReader.Struct;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads the columns clip4j imports from a Parquet file written by Spark, pyarrow (clip-retrieval's metadata) or
 * clip4j: UTF-8 string columns and lists of floats (an {@code array<float>} embedding), flat or one level of
 * nesting, in any number of row groups; data pages v1 and v2; PLAIN, dictionary and BYTE_STREAM_SPLIT encodings;
 * uncompressed, SNAPPY or GZIP pages. Anything else is refused in one line naming the file and what it uses.
 *
 * <p>Why not parquet-java: it needs Hadoop's classes even for a local file (Configuration, then Hadoop's shaded
 * runtime: ~57 MB of jars), for the two column shapes an import reads.
 */
public final class ParquetFile implements AutoCloseable {
    // parquet.thrift
    private static final int T_FLOAT = 4, T_DOUBLE = 5, T_BYTE_ARRAY = 6;
    private static final int REQUIRED = 0, REPEATED = 2;
    private static final int E_PLAIN = 0,
            E_PLAIN_DICTIONARY = 2,
            E_RLE = 3,
            E_RLE_DICTIONARY = 8,
            E_BYTE_STREAM_SPLIT = 9;
    private static final int C_UNCOMPRESSED = 0, C_SNAPPY = 1, C_GZIP = 2;
    private static final String[] CODECS = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"
    };
    private static final int PAGE_DATA = 0, PAGE_DICTIONARY = 2, PAGE_DATA_V2 = 3;
    /** A column chunk or page larger than this is not one clip4j wrote or imports: refuse before allocating. */
    private static final long MAX_CHUNK = 1L << 30;

    /** A leaf column: its dotted path, physical type and the maximum definition and repetition levels. */
    public record Column(String path, int type, int maxDef, int maxRep) {}

    private final Path file;
    private final FileChannel channel;
    private final long rows;
    private final List<Column> columns = new ArrayList<>();
    private final List<Struct> rowGroups;

    private ParquetFile(Path file, FileChannel channel, Struct meta) {
        this.file = file;
        this.channel = channel;
        this.rows = meta.i64(3, 0);
        this.rowGroups = meta.list(4);
        List<Struct> schema = meta.list(2);
        if (schema.isEmpty()) throw bad("no schema");
        int[] next = {1};
        int rootChildren = schema.get(0).i32(5, 0);
        for (int i = 0; i < rootChildren; i++) walk(schema, next, "", 0, 0);
    }

    /** Depth-first over the flattened schema, collecting leaves with their level maxima. */
    private void walk(List<Struct> schema, int[] next, String prefix, int def, int rep) {
        if (next[0] >= schema.size()) throw bad("schema ends early");
        Struct e = schema.get(next[0]++);
        String name = e.string(4);
        int repetition = e.i32(3, REQUIRED);
        int d = def + (repetition == REQUIRED ? 0 : 1), r = rep + (repetition == REPEATED ? 1 : 0);
        String path = prefix.isEmpty() ? name : prefix + "." + name;
        int children = e.i32(5, 0);
        if (children == 0) columns.add(new Column(path, e.i32(1, -1), d, r));
        for (int i = 0; i < children; i++) walk(schema, next, path, d, r);
    }

    /** Opens a file and reads its footer. */
    public static ParquetFile open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 12) throw new Clip4jException(file + ": not a Parquet file (" + size + " bytes)");
            ByteBuffer tail = read(ch, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
            int footerLen = tail.getInt(0);
            if (tail.get(4) != 'P' || tail.get(5) != 'A' || tail.get(6) != 'R' || tail.get(7) != '1') {
                throw new Clip4jException(
                        file + ": not a Parquet file (no PAR1 at the end; truncated or another format)");
            }
            if (footerLen <= 0 || footerLen > size - 12)
                throw new Clip4jException(file + ": Parquet footer length " + footerLen + " does not fit the file");
            byte[] footer = read(ch, size - 8 - footerLen, footerLen).array();
            Struct meta = new ThriftCompactReader(footer, 0, footer.length).readStruct();
            ParquetFile pf = new ParquetFile(file, ch, meta);
            ch = null;
            return pf;
        } catch (IllegalArgumentException e) {
            throw new Clip4jException(file + ": corrupt Parquet footer (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read (" + e.getMessage() + ")");
        } finally {
            if (ch != null)
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int k = ch.read(b, at + b.position());
            if (k < 0) throw new IOException("file ends early");
        }
        return b.flip();
    }

    public long rows() {
        return rows;
    }

    public List<Column> columns() {
        return List.copyOf(columns);
    }

    /** The leaf column named {@code name}, or under the top-level field {@code name} (a list's element). */
    public Column column(String name) {
        for (Column c : columns) if (c.path().equals(name)) return c;
        for (Column c : columns) if (c.path().startsWith(name + ".")) return c;
        return null;
    }

    public boolean has(String name) {
        return column(name) != null;
    }

    /** A string column, one entry per row (null where the row has none). */
    public List<String> strings(String name) {
        Column c = require(name);
        if (c.type() != T_BYTE_ARRAY || c.maxRep() != 0) throw bad("column " + name + " is not a string column");
        List<String> out = new ArrayList<>((int) rows);
        for (int g = 0; g < rowGroups.size(); g++) {
            Decoded d = decode(g, c);
            int v = 0;
            for (int i = 0; i < d.count; i++) {
                if (d.def == null || d.def[i] == c.maxDef())
                    out.add(new String((byte[]) d.values[v++], StandardCharsets.UTF_8));
                else out.add(null);
            }
        }
        return out;
    }

    /** A list-of-floats column (FLOAT or DOUBLE elements), one array per row (null for a null or empty list). */
    public List<float[]> floatLists(String name) {
        Column c = require(name);
        if ((c.type() != T_FLOAT && c.type() != T_DOUBLE) || c.maxRep() != 1)
            throw bad("column " + name + " is not a list of floats");
        List<float[]> out = new ArrayList<>((int) rows);
        for (int g = 0; g < rowGroups.size(); g++) {
            Decoded d = decode(g, c);
            float[] vals = d.floats;
            int v = 0;
            int i = 0;
            while (i < d.count) {
                int present = 0, nulls = 0;
                do {
                    if (d.def[i] == c.maxDef()) present++;
                    else if (d.def[i] == c.maxDef() - 1 && c.maxDef() > 1 && elementOptional(c)) nulls++;
                    i++;
                } while (i < d.count && d.rep[i] != 0);
                if (nulls > 0) throw bad("column " + name + " has a null element in row " + (out.size() + 1));
                if (present == 0) {
                    out.add(null);
                    continue;
                }
                float[] row = new float[present];
                for (int j = 0; j < present; j++) row[j] = vals[v++];
                out.add(row);
            }
        }
        return out;
    }

    /** Whether a list's element may be null: it adds a definition level beyond the repeated one. */
    private static boolean elementOptional(Column c) {
        return c.maxDef() >= 3;
    }

    private Column require(String name) {
        Column c = column(name);
        if (c == null)
            throw bad("no column " + name + " (columns: "
                    + columns.stream().map(Column::path).toList() + ")");
        return c;
    }

    private Clip4jException bad(String why) {
        return new Clip4jException(file + ": " + why);
    }

    /** One column chunk decoded: levels per value slot, and the non-null values in order. */
    private static final class Decoded {
        int count;
        int[] def, rep;
        Object[] values; // strings
        float[] floats; // float columns
    }

    private Decoded decode(int group, Column c) {
        Struct chunk = null;
        for (Struct cc : rowGroups.get(group).<Struct>list(1)) {
            Struct md = cc.struct(3);
            if (md == null) continue;
            List<byte[]> path = md.list(3);
            StringBuilder sb = new StringBuilder();
            for (byte[] p : path) sb.append(sb.length() == 0 ? "" : ".").append(new String(p, StandardCharsets.UTF_8));
            if (sb.toString().equals(c.path())) chunk = md;
        }
        if (chunk == null) throw bad("row group " + group + " has no column " + c.path());
        try {
            return decodeChunk(chunk, c);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw bad("corrupt column " + c.path() + " in row group " + group + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw bad("cannot read (" + e.getMessage() + ")");
        }
    }

    private Decoded decodeChunk(Struct md, Column c) throws IOException {
        int codec = md.i32(4, C_UNCOMPRESSED);
        if (codec != C_UNCOMPRESSED && codec != C_SNAPPY && codec != C_GZIP) {
            String n = codec >= 0 && codec < CODECS.length ? CODECS[codec] : "codec " + codec;
            throw bad("column " + c.path() + " is " + n
                    + "-compressed; clip4j reads uncompressed, SNAPPY and GZIP Parquet");
        }
        long numValues = md.i64(5, 0);
        long start = md.has(11) && md.i64(11, 0) > 0 ? Math.min(md.i64(11, 0), md.i64(9, 0)) : md.i64(9, 0);
        long size = md.i64(7, 0);
        if (numValues < 0
                || numValues > Integer.MAX_VALUE
                || size <= 0
                || size > MAX_CHUNK
                || start < 4
                || start + size > channel.size()) {
            throw new IllegalArgumentException(
                    "column chunk at " + start + " of " + size + " bytes does not fit the file");
        }
        byte[] buf = read(channel, start, (int) size).array();
        Decoded d = new Decoded();
        int n = (int) numValues;
        d.count = n;
        d.def = c.maxDef() > 0 ? new int[n] : null;
        d.rep = c.maxRep() > 0 ? new int[n] : null;
        boolean strings = c.type() == T_BYTE_ARRAY;
        if (strings) d.values = new Object[n];
        else d.floats = new float[n];
        Object dictionary = null;
        int slot = 0, valuesSoFar = 0, p = 0;
        while (slot < n) {
            ThriftCompactReader r = new ThriftCompactReader(buf, p, buf.length);
            Struct header = r.readStruct();
            p = r.position();
            int type = header.i32(1, -1), uncompressed = header.i32(2, -1), compressed = header.i32(3, -1);
            if (compressed < 0 || uncompressed < 0 || p + compressed > buf.length)
                throw new IllegalArgumentException("page runs past its column chunk");
            int pageStart = p;
            p += compressed;
            if (type == PAGE_DICTIONARY) {
                int count = header.struct(7).i32(1, 0);
                byte[] page = decompress(codec, buf, pageStart, compressed, uncompressed);
                dictionary = strings
                        ? plainStrings(page, 0, page.length, count)
                        : plainFloats(page, 0, page.length, count, c.type());
            } else if (type == PAGE_DATA || type == PAGE_DATA_V2) {
                int count, encoding, valuesStart;
                byte[] page;
                int levelsAt;
                if (type == PAGE_DATA) {
                    Struct h = header.struct(5);
                    count = h.i32(1, 0);
                    encoding = h.i32(2, E_PLAIN);
                    page = decompress(codec, buf, pageStart, compressed, uncompressed);
                    levelsAt = 0;
                    if (d.rep != null) levelsAt = levels(page, levelsAt, -1, c.maxRep(), count, d.rep, slot);
                    if (d.def != null) levelsAt = levels(page, levelsAt, -1, c.maxDef(), count, d.def, slot);
                    valuesStart = levelsAt;
                } else {
                    Struct h = header.struct(8);
                    count = h.i32(1, 0);
                    encoding = h.i32(4, E_PLAIN);
                    int defLen = h.i32(5, 0), repLen = h.i32(6, 0);
                    boolean isCompressed = h.bool(7, true);
                    if (defLen < 0 || repLen < 0 || repLen + defLen > compressed)
                        throw new IllegalArgumentException("page v2 level lengths");
                    byte[] levelsBuf = buf;
                    if (d.rep != null) levels(levelsBuf, pageStart, repLen, c.maxRep(), count, d.rep, slot);
                    if (d.def != null) levels(levelsBuf, pageStart + repLen, defLen, c.maxDef(), count, d.def, slot);
                    int valOff = pageStart + repLen + defLen, valLen = compressed - repLen - defLen;
                    page = isCompressed
                            ? decompress(codec, buf, valOff, valLen, uncompressed - repLen - defLen)
                            : Arrays.copyOfRange(buf, valOff, valOff + valLen);
                    valuesStart = 0;
                }
                if (count < 0 || slot + count > n)
                    throw new IllegalArgumentException("pages hold more values than the chunk");
                int present = 0;
                for (int i = 0; i < count; i++) if (d.def == null || d.def[slot + i] == c.maxDef()) present++;
                decodeValues(
                        page,
                        valuesStart,
                        page.length,
                        encoding,
                        present,
                        dictionary,
                        strings,
                        c.type(),
                        d,
                        valuesSoFar,
                        c);
                valuesSoFar += present;
                slot += count;
            } else if (p >= buf.length) {
                throw new IllegalArgumentException("chunk ends before its values");
            }
        }
        if (strings) d.values = Arrays.copyOf(d.values, valuesSoFar);
        else d.floats = Arrays.copyOf(d.floats, valuesSoFar);
        return d;
    }

    /** Levels at {@code at}: v1 pages prefix them with a 4-byte length ({@code len} = -1), v2 headers give it. */
    private static int levels(byte[] page, int at, int len, int max, int count, int[] out, int slot) {
        int start = at;
        if (len < 0) {
            if (at + 4 > page.length) throw new IllegalArgumentException("levels end early");
            len = ByteBuffer.wrap(page, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = at + 4;
        }
        if (len < 0 || start + len > page.length) throw new IllegalArgumentException("levels of " + len + " bytes");
        int[] tmp = new int[count];
        RleHybridDecoder.decode(page, start, start + len, RleHybridDecoder.bitWidth(max), count, tmp);
        for (int v : tmp) if (v > max) throw new IllegalArgumentException("level " + v + " above " + max);
        System.arraycopy(tmp, 0, out, slot, count);
        return start + len;
    }

    private void decodeValues(
            byte[] page,
            int from,
            int to,
            int encoding,
            int present,
            Object dictionary,
            boolean strings,
            int type,
            Decoded d,
            int at,
            Column c) {
        switch (encoding) {
            case E_PLAIN -> {
                if (strings) System.arraycopy(plainStrings(page, from, to, present), 0, d.values, at, present);
                else System.arraycopy(plainFloats(page, from, to, present, type), 0, d.floats, at, present);
            }
            case E_PLAIN_DICTIONARY, E_RLE_DICTIONARY -> {
                if (dictionary == null)
                    throw new IllegalArgumentException("dictionary-encoded page without a dictionary");
                if (present == 0) return;
                int width = page[from] & 0xFF;
                int[] idx = new int[present];
                RleHybridDecoder.decode(page, from + 1, to, width, present, idx);
                int size = strings ? ((Object[]) dictionary).length : ((float[]) dictionary).length;
                for (int i = 0; i < present; i++) {
                    if (idx[i] < 0 || idx[i] >= size)
                        throw new IllegalArgumentException("dictionary index " + idx[i] + " of " + size);
                    if (strings) d.values[at + i] = ((Object[]) dictionary)[idx[i]];
                    else d.floats[at + i] = ((float[]) dictionary)[idx[i]];
                }
            }
            case E_BYTE_STREAM_SPLIT -> {
                if (strings || type != T_FLOAT)
                    throw bad("column " + c.path() + ": BYTE_STREAM_SPLIT is read for floats only");
                if (to - from < 4L * present) throw new IllegalArgumentException("values end early");
                for (int i = 0; i < present; i++) {
                    int bits = 0;
                    for (int b = 0; b < 4; b++) bits |= (page[from + b * present + i] & 0xFF) << (8 * b);
                    d.floats[at + i] = Float.intBitsToFloat(bits);
                }
            }
            default ->
                throw bad("column " + c.path() + " uses Parquet encoding " + encoding
                        + "; clip4j reads PLAIN, dictionary and BYTE_STREAM_SPLIT");
        }
    }

    private static Object[] plainStrings(byte[] page, int from, int to, int count) {
        Object[] out = new Object[count];
        int p = from;
        for (int i = 0; i < count; i++) {
            if (p + 4 > to) throw new IllegalArgumentException("values end early");
            int len = ByteBuffer.wrap(page, p, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            p += 4;
            if (len < 0 || p + len > to)
                throw new IllegalArgumentException("string of " + len + " bytes runs past its page");
            out[i] = Arrays.copyOfRange(page, p, p + len);
            p += len;
        }
        return out;
    }

    private static float[] plainFloats(byte[] page, int from, int to, int count, int type) {
        int width = type == T_DOUBLE ? 8 : 4;
        if ((long) count * width > to - from) throw new IllegalArgumentException("values end early");
        ByteBuffer b = ByteBuffer.wrap(page, from, to - from).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) out[i] = type == T_DOUBLE ? (float) b.getDouble() : b.getFloat();
        return out;
    }

    private static byte[] decompress(int codec, byte[] buf, int off, int len, int uncompressed) {
        if (uncompressed < 0 || uncompressed > MAX_CHUNK)
            throw new IllegalArgumentException("page of " + uncompressed + " bytes");
        return switch (codec) {
            case C_UNCOMPRESSED -> {
                if (len != uncompressed) throw new IllegalArgumentException("uncompressed page sizes disagree");
                yield Arrays.copyOfRange(buf, off, off + len);
            }
            case C_SNAPPY -> Snappy.decompress(buf, off, len, uncompressed);
            case C_GZIP -> gunzip(buf, off, len, uncompressed);
            default -> throw new IllegalArgumentException("codec " + codec);
        };
    }

    private static byte[] gunzip(byte[] buf, int off, int len, int uncompressed) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(buf, off, len))) {
            byte[] out = in.readNBytes(uncompressed);
            if (out.length != uncompressed || in.read() != -1)
                throw new IllegalArgumentException("gzip page is not " + uncompressed + " bytes");
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("gzip: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d rows, %d row groups)", file, rows, rowGroups.size());
    }
}
