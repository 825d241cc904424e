package io.clip4j.tokenizer;

import java.util.Arrays;

/**
 * GPT-2/CLIP's {@code bytes_to_unicode}: a reversible map from the 256 byte values to printable characters,
 * so BPE can work on strings without whitespace or control characters. Printable Latin-1 bytes map to
 * themselves, the other 68 bytes to U+0100 onwards in byte order. The vocabulary lists the symbols in
 * {@link #ORDER} (the printable ones first), not in byte order.
 */
final class ByteSymbols {
    /** Byte values in the order of the dict that {@code bytes_to_unicode} returns. */
    static final int[] ORDER = new int[256];
    /** The character standing for each byte value. */
    static final char[] CHAR_OF_BYTE = new char[256];
    /** Inverse of {@link #CHAR_OF_BYTE}; -1 for characters that stand for no byte. */
    private static final int[] BYTE_OF_CHAR = new int[256 + 68];

    static {
        boolean[] printable = new boolean[256];
        int k = 0;
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable[b]) {
                ORDER[k++] = b;
                CHAR_OF_BYTE[b] = (char) b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                ORDER[k++] = b;
                CHAR_OF_BYTE[b] = (char) (256 + extra++);
            }
        }
        Arrays.fill(BYTE_OF_CHAR, -1);
        for (int b = 0; b < 256; b++) {
            BYTE_OF_CHAR[CHAR_OF_BYTE[b]] = b;
        }
    }

    private ByteSymbols() {}

    static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }
}
