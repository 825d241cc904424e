package io.clip4j.exchange;

/**
 * Snappy's raw block format (what Parquet's SNAPPY codec stores in a page): a varint length, then literals and
 * back-references. Written here because the format is small and stable; every length and offset is checked, so a
 * corrupt page is an error, never a read outside the buffers.
 */
final class Snappy {
    private Snappy() {}

    static byte[] decompress(byte[] in, int off, int len, int expected) {
        int p = off, end = off + len;
        long n = 0;
        for (int shift = 0; ; shift += 7) {
            if (p >= end || shift > 28) throw new IllegalArgumentException("snappy: bad length header");
            int b = in[p++] & 0xFF;
            n |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        if (n != expected)
            throw new IllegalArgumentException("snappy: block of " + n + " bytes, page says " + expected);
        byte[] out = new byte[(int) n];
        int o = 0;
        while (p < end) {
            int tag = in[p++] & 0xFF;
            int kind = tag & 3;
            if (kind == 0) { // literal
                int length = tag >>> 2;
                if (length >= 60) {
                    int bytes = length - 59;
                    if (p + bytes > end) throw new IllegalArgumentException("snappy: truncated literal");
                    length = 0;
                    for (int i = 0; i < bytes; i++) length |= (in[p++] & 0xFF) << (8 * i);
                }
                length += 1;
                if (length <= 0 || p + length > end || o + length > out.length)
                    throw new IllegalArgumentException("snappy: literal out of bounds");
                System.arraycopy(in, p, out, o, length);
                p += length;
                o += length;
            } else {
                int length, offset;
                if (kind == 1) {
                    if (p >= end) throw new IllegalArgumentException("snappy: truncated copy");
                    length = 4 + ((tag >>> 2) & 7);
                    offset = (tag >>> 5) << 8 | in[p++] & 0xFF;
                } else {
                    int bytes = kind == 2 ? 2 : 4;
                    if (p + bytes > end) throw new IllegalArgumentException("snappy: truncated copy");
                    length = (tag >>> 2) + 1;
                    offset = 0;
                    for (int i = 0; i < bytes; i++) offset |= (in[p++] & 0xFF) << (8 * i);
                }
                if (offset <= 0 || offset > o || o + length > out.length)
                    throw new IllegalArgumentException("snappy: copy out of bounds");
                // overlapping copies repeat the last offset bytes: byte by byte on purpose
                for (int i = 0; i < length; i++, o++) out[o] = out[o - offset];
            }
        }
        if (o != out.length)
            throw new IllegalArgumentException("snappy: block ends after " + o + " of " + out.length + " bytes");
        return out;
    }
}
