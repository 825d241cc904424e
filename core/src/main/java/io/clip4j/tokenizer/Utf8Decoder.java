package io.clip4j.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code bytes.decode("utf-8", errors="replace")} exactly as CPython does it: each maximal ill-formed
 * subpart (a valid lead byte followed by the valid continuation bytes seen so far) becomes one U+FFFD, and
 * every other invalid byte becomes one U+FFFD. This is the Unicode "best practice" that CPython follows;
 * implementing it here keeps decoding independent of the JDK's charset decoder.
 */
final class Utf8Decoder {
    private Utf8Decoder() {}

    static String decodeReplace(byte[] b, int len) {
        StringBuilder out = new StringBuilder(len);
        int i = 0;
        while (i < len) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                out.append('\uFFFD');
                i++;
                continue;
            }
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                if (j >= len) {
                    ok = false;
                    break;
                }
                int c = b[j] & 0xFF;
                int l = k == 0 ? lo : 0x80;
                int h = k == 0 ? hi : 0xBF;
                if (c < l || c > h) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (ok) {
                out.appendCodePoint(cp);
            } else {
                out.append('\uFFFD');
            }
            i = j;
        }
        return out.toString();
    }

    /** Strict decoding: null when the bytes are not well-formed UTF-8. */
    static String decodeStrict(byte[] b) {
        String s = decodeReplace(b, b.length);
        if (s.indexOf('\uFFFD') >= 0) {
            // A real U+FFFD in the input (EF BF BD) is fine; only count replacements we made.
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
            try {
                return d.decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }
        return s;
    }
}
