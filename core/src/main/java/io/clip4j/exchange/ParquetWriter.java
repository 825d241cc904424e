package io.clip4j.exchange;

import io.clip4j.Clip4jException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The smallest Parquet writer that serves: columns of UTF-8 strings, all REQUIRED, in one row group of one PLAIN,
 * uncompressed data page per column, the footer in Thrift's compact protocol (Apache Parquet format 2.x field ids).
 * Enough for clip-retrieval's {@code metadata/metadata_0.parquet}; pyarrow, pandas and DuckDB read it. The whole
 * file is built in memory (a path column of a million images is some tens of MB).
 */
public final class ParquetWriter {
    private ParquetWriter() {}

    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
    // parquet.thrift enum values
    private static final int TYPE_BYTE_ARRAY = 6,
            REQUIRED = 0,
            CONVERTED_UTF8 = 0,
            ENCODING_PLAIN = 0,
            ENCODING_RLE = 3,
            CODEC_UNCOMPRESSED = 0,
            PAGE_DATA = 0;

    /** Writes {@code columns.get(c).get(r)} as row r of the string column {@code names.get(c)}. */
    public static void writeStrings(Path file, List<String> names, List<List<String>> columns) {
        int rows = columns.isEmpty() ? 0 : columns.get(0).size();
        for (List<String> c : columns)
            if (c.size() != rows) throw new IllegalArgumentException("columns differ in length");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        long[] pageOffset = new long[columns.size()], chunkBytes = new long[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            ByteArrayOutputStream values = new ByteArrayOutputStream();
            for (String v : columns.get(c)) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                writeIntLe(values, b.length);
                values.writeBytes(b);
            }
            Compact header = new Compact();
            header.i32(1, PAGE_DATA).i32(2, values.size()).i32(3, values.size());
            header.beginStruct(5)
                    .i32(1, rows)
                    .i32(2, ENCODING_PLAIN)
                    .i32(3, ENCODING_RLE)
                    .i32(4, ENCODING_RLE)
                    .endStruct();
            header.stop();
            pageOffset[c] = out.size();
            out.writeBytes(header.bytes());
            out.writeBytes(values.toByteArray());
            chunkBytes[c] = out.size() - pageOffset[c];
        }
        long total = 0;
        for (long b : chunkBytes) total += b;

        Compact meta = new Compact();
        meta.i32(1, 1);
        meta.beginList(2, Compact.STRUCT, names.size() + 1);
        meta.beginElement().binary(4, "schema").i32(5, names.size()).endStruct();
        for (String n : names)
            meta.beginElement()
                    .i32(1, TYPE_BYTE_ARRAY)
                    .i32(3, REQUIRED)
                    .binary(4, n)
                    .i32(6, CONVERTED_UTF8)
                    .endStruct();
        meta.i64(3, rows);
        meta.beginList(4, Compact.STRUCT, 1);
        meta.beginElement();
        meta.beginList(1, Compact.STRUCT, names.size());
        for (int c = 0; c < names.size(); c++) {
            meta.beginElement().i64(2, pageOffset[c]);
            meta.beginStruct(3).i32(1, TYPE_BYTE_ARRAY);
            meta.beginList(2, Compact.I32, 1).element(ENCODING_PLAIN);
            meta.beginList(3, Compact.BINARY, 1).element(names.get(c));
            meta.i32(4, CODEC_UNCOMPRESSED)
                    .i64(5, rows)
                    .i64(6, chunkBytes[c])
                    .i64(7, chunkBytes[c])
                    .i64(9, pageOffset[c]);
            meta.endStruct(); // ColumnMetaData
            meta.endStruct(); // ColumnChunk
        }
        meta.i64(2, total).i64(3, rows);
        meta.endStruct(); // RowGroup
        meta.binary(6, "clip4j");
        meta.stop();
        byte[] footer = meta.bytes();
        out.writeBytes(footer);
        writeIntLe(out, footer.length);
        out.writeBytes(MAGIC);
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            try (OutputStream os = Files.newOutputStream(file)) {
                out.writeTo(os);
            }
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static void writeIntLe(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /** Thrift compact protocol, only what the footer and page headers need. */
    static final class Compact {
        static final int I32 = 5, I64 = 6, BINARY = 8, LIST = 9, STRUCT = 12;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Deque<Integer> lastIds = new ArrayDeque<>();
        private int lastId;

        private void field(int id, int type) {
            int delta = id - lastId;
            if (delta > 0 && delta <= 15) buf.write(delta << 4 | type);
            else {
                buf.write(type);
                varint(zigzag(id));
            }
            lastId = id;
        }

        Compact i32(int id, int v) {
            field(id, I32);
            varint(zigzag(v));
            return this;
        }

        Compact i64(int id, long v) {
            field(id, I64);
            varint(zigzag(v));
            return this;
        }

        Compact binary(int id, String s) {
            field(id, BINARY);
            bytes(s.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Compact beginStruct(int id) {
            field(id, STRUCT);
            return beginElement();
        }

        /** A struct as a list element: no field header. */
        Compact beginElement() {
            lastIds.push(lastId);
            lastId = 0;
            return this;
        }

        Compact endStruct() {
            buf.write(0);
            lastId = lastIds.pop();
            return this;
        }

        Compact beginList(int id, int elementType, int size) {
            field(id, LIST);
            if (size < 15) buf.write(size << 4 | elementType);
            else {
                buf.write(0xF0 | elementType);
                varint(size);
            }
            return this;
        }

        Compact element(int v) {
            varint(zigzag(v));
            return this;
        }

        Compact element(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        void stop() {
            buf.write(0);
        }

        byte[] bytes() {
            return buf.toByteArray();
        }

        private void bytes(byte[] b) {
            varint(b.length);
            buf.writeBytes(b);
        }

        private static long zigzag(long v) {
            return v << 1 ^ v >> 63;
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                buf.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf.write((int) v);
        }
    }
}
