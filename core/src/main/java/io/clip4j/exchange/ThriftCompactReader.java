package io.clip4j.exchange;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Thrift's compact protocol, read generically: a struct becomes a map from field id to value (Long for integers,
 * byte[] for binary, Boolean, Double, List, or a nested {@link Struct}). Parquet's footer and page headers are
 * compact-encoded structs; reading them generically lets unknown (newer) fields pass without a schema.
 */
final class ThriftCompactReader {
    static final int BOOL_TRUE = 1,
            BOOL_FALSE = 2,
            BYTE = 3,
            I16 = 4,
            I32 = 5,
            I64 = 6,
            DOUBLE = 7,
            BINARY = 8,
            LIST = 9,
            SET = 10,
            MAP = 11,
            STRUCT = 12;
    /** Nesting deeper than this is not Parquet metadata: refuse rather than recurse without bound. */
    private static final int MAX_DEPTH = 32;

    /** A decoded struct: field id to value. */
    record Struct(Map<Integer, Object> fields) {
        long i64(int id, long fallback) {
            Object v = fields.get(id);
            return v instanceof Long l ? l : fallback;
        }

        int i32(int id, int fallback) {
            return (int) i64(id, fallback);
        }

        boolean has(int id) {
            return fields.containsKey(id);
        }

        String string(int id) {
            Object v = fields.get(id);
            return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
        }

        Struct struct(int id) {
            Object v = fields.get(id);
            return v instanceof Struct s ? s : null;
        }

        @SuppressWarnings("unchecked")
        <T> List<T> list(int id) {
            Object v = fields.get(id);
            return v instanceof List<?> l ? (List<T>) l : List.of();
        }

        boolean bool(int id, boolean fallback) {
            Object v = fields.get(id);
            return v instanceof Boolean b ? b : fallback;
        }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    ThriftCompactReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    int position() {
        return pos;
    }

    Struct readStruct() {
        return readStruct(0);
    }

    private Struct readStruct(int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("metadata nested too deeply");
        Map<Integer, Object> fields = new HashMap<>();
        int lastId = 0;
        while (true) {
            int b = u8();
            if (b == 0) return new Struct(fields);
            int type = b & 0x0F, delta = b >>> 4;
            int id = delta != 0 ? lastId + delta : (short) unzigzag(varint());
            lastId = id;
            Object v = type == BOOL_TRUE ? Boolean.TRUE : type == BOOL_FALSE ? Boolean.FALSE : value(type, depth);
            fields.put(id, v);
        }
    }

    private Object value(int type, int depth) {
        return switch (type) {
            case BYTE -> (long) (byte) u8();
            case I16, I32, I64 -> unzigzag(varint());
            case DOUBLE -> {
                long bits = 0;
                for (int i = 0; i < 8; i++) bits |= (long) u8() << (8 * i);
                yield Double.longBitsToDouble(bits);
            }
            case BINARY -> {
                long n = varint();
                if (n < 0 || n > end - pos)
                    throw new IllegalArgumentException("binary field of " + n + " bytes runs past the metadata");
                byte[] out = new byte[(int) n];
                System.arraycopy(buf, pos, out, 0, out.length);
                pos += out.length;
                yield out;
            }
            case LIST, SET -> {
                int h = u8();
                long size = h >>> 4;
                int elem = h & 0x0F;
                if (size == 15) size = varint();
                if (size < 0 || size > end - pos)
                    throw new IllegalArgumentException("list of " + size + " elements runs past the metadata");
                List<Object> out = new ArrayList<>((int) size);
                for (long i = 0; i < size; i++) {
                    // booleans in a list are one byte each (1 = true)
                    out.add(elem == BOOL_TRUE || elem == BOOL_FALSE ? u8() == BOOL_TRUE : value(elem, depth + 1));
                }
                yield out;
            }
            case MAP -> {
                long size = varint();
                if (size == 0) yield Map.of();
                int kv = u8();
                Map<Object, Object> out = new HashMap<>();
                for (long i = 0; i < size; i++) out.put(value(kv >>> 4, depth + 1), value(kv & 0x0F, depth + 1));
                yield out;
            }
            case STRUCT -> readStruct(depth + 1);
            default -> throw new IllegalArgumentException("unknown thrift type " + type);
        };
    }

    private int u8() {
        if (pos >= end) throw new IllegalArgumentException("metadata ends early");
        return buf[pos++] & 0xFF;
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    private static long unzigzag(long v) {
        return v >>> 1 ^ -(v & 1);
    }
}
