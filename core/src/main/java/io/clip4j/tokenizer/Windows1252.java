package io.clip4j.tokenizer;

/**
 * Windows-1252 as ftfy's "sloppy-windows-1252" codec sees it: the 27 characters Windows puts at bytes
 * 0x80..0x9F, and the five bytes Windows leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) decoding to the
 * Latin-1 control of the same number. All other bytes decode as Latin-1.
 */
final class Windows1252 {
    /** Index: byte value 0..255; value: the character it decodes to (sloppily). */
    static final char[] SLOPPY = new char[256];
    /** Index: byte value 0..255; false for the five bytes standard Windows-1252 leaves undefined. */
    static final boolean[] DEFINED = new boolean[256];

    private static final String HIGH = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039"
            + "\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A"
            + "\u0153\u009D\u017E\u0178";

    static {
        for (int b = 0; b < 256; b++) {
            SLOPPY[b] = (b >= 0x80 && b <= 0x9F) ? HIGH.charAt(b - 0x80) : (char) b;
            DEFINED[b] = !(b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D);
        }
    }

    private Windows1252() {}

    /** Byte that {@code c} encodes to in sloppy Windows-1252, or -1. */
    static int encodeSloppy(char c) {
        if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) {
            return c;
        }
        for (int b = 0x80; b <= 0x9F; b++) {
            if (SLOPPY[b] == c) {
                return b;
            }
        }
        return -1;
    }
}
