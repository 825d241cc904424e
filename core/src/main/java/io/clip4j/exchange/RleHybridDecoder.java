package io.clip4j.exchange;

/**
 * Parquet's RLE / bit-packing hybrid (definition and repetition levels, dictionary indices): runs of one repeated
 * value, and groups of 8 values bit-packed least significant bit first.
 */
final class RleHybridDecoder {
    private RleHybridDecoder() {}

    /** Decodes {@code count} values of {@code bitWidth} bits from {@code buf[off, end)} into {@code out}. */
    static void decode(byte[] buf, int off, int end, int bitWidth, int count, int[] out) {
        if (bitWidth < 0 || bitWidth > 32) throw new IllegalArgumentException("bit width " + bitWidth);
        int bytesPerValue = (bitWidth + 7) / 8;
        int p = off, n = 0;
        while (n < count) {
            long header = 0;
            for (int shift = 0; ; shift += 7) {
                if (p >= end || shift > 35) throw new IllegalArgumentException("levels or indices end early");
                int b = buf[p++] & 0xFF;
                header |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
            }
            if ((header & 1) == 0) { // a run
                long run = header >>> 1;
                if (p + bytesPerValue > end) throw new IllegalArgumentException("levels or indices end early");
                int v = 0;
                for (int i = 0; i < bytesPerValue; i++) v |= (buf[p++] & 0xFF) << (8 * i);
                for (long i = 0; i < run && n < count; i++) out[n++] = v;
            } else { // bit-packed groups of 8
                long values = (header >>> 1) * 8;
                long bits = values * bitWidth;
                if (p + (bits + 7) / 8 > end) throw new IllegalArgumentException("levels or indices end early");
                long bitPos = (long) p * 8;
                for (long i = 0; i < values && n < count; i++) {
                    int v = 0;
                    for (int b = 0; b < bitWidth; b++, bitPos++) {
                        int bit = (buf[(int) (bitPos >>> 3)] >>> (bitPos & 7)) & 1;
                        v |= bit << b;
                    }
                    out[n++] = v;
                }
                p += (int) ((bits + 7) / 8);
            }
        }
    }

    /** Bits needed for values 0..max. */
    static int bitWidth(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }
}
