package io.clip4j.tokenizer;

import java.util.Locale;

/**
 * Python 3 string semantics that Java spells differently: {@code str.isspace}, {@code str.strip()},
 * {@code re.sub(r'\s+', ' ', s)} and {@code str.lower()}.
 *
 * <p>Python's whitespace is "bidirectional class WS, B or S, or category Zs", which includes the information
 * separators U+001C..U+001F and U+0085; Java's {@code \s} is ASCII-only and {@link Character#isWhitespace}
 * excludes no-break spaces, so neither can be used.
 */
final class PythonText {
    private PythonText() {}

    /** {@code chr(cp).isspace()} of Python 3.11 (Unicode 14; the set has not changed since). */
    static boolean isSpace(int cp) {
        if (cp <= 0x20) {
            return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        }
        if (cp < 0x85) {
            return false;
        }
        return cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    /** {@code s.strip()}: removes leading and trailing Python whitespace. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * {@code re.sub(r'\s+', ' ', s).strip()}: every run of Python whitespace becomes one space, then the ends
     * are trimmed. (All Python whitespace is in the BMP, so testing UTF-16 units is exact.)
     */
    static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                pendingSpace = true;
            } else {
                if (pendingSpace && !out.isEmpty()) {
                    out.append(' ');
                }
                pendingSpace = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@code s.lower()}. Python applies the full (SpecialCasing) lower-case mapping without locale rules, plus
     * the final-sigma rule; {@code toLowerCase(Locale.ROOT)} does the same.
     */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
