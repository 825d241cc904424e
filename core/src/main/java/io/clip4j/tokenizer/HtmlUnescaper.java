package io.clip4j.tokenizer;

/**
 * CPython's {@code html.unescape}, character for character. It finds references with
 * {@code &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)} and replaces them as the HTML5 spec says:
 * named references may lack their ';' (the longest known prefix wins, the rest is kept), numeric references
 * in the C1 range map to Windows-1252, surrogates and out-of-range numbers become U+FFFD and other invalid
 * code points vanish.
 */
public final class HtmlUnescaper {
    private static final int MAX_NAME_CODE_POINTS = 32;

    private HtmlUnescaper() {}

    public static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        int n = s.length();
        while (amp >= 0) {
            int end = -1;
            String replacement = null;
            int p = amp + 1;
            if (p < n && s.charAt(p) == '#') {
                int q = p + 1;
                boolean hex = q < n && (s.charAt(q) == 'x' || s.charAt(q) == 'X');
                int digitsStart = hex ? q + 1 : q;
                int e = digitsStart;
                while (e < n && (hex ? isHexDigit(s.charAt(e)) : isDigit(s.charAt(e)))) {
                    e++;
                }
                if (e > digitsStart) {
                    replacement = numericReference(s, digitsStart, e, hex ? 16 : 10);
                    end = e < n && s.charAt(e) == ';' ? e + 1 : e;
                }
            } else {
                int e = p;
                int count = 0;
                while (e < n && count < MAX_NAME_CODE_POINTS) {
                    int cp = s.codePointAt(e);
                    if (cp == '\t'
                            || cp == '\n'
                            || cp == '\f'
                            || cp == ' '
                            || cp == '<'
                            || cp == '&'
                            || cp == '#'
                            || cp == ';') {
                        break;
                    }
                    e += Character.charCount(cp);
                    count++;
                }
                if (count > 0) {
                    end = e < n && s.charAt(e) == ';' ? e + 1 : e;
                    replacement = namedReference(s.substring(p, end), count + (end > e ? 1 : 0));
                }
            }
            if (end < 0) {
                amp = s.indexOf('&', amp + 1);
                continue;
            }
            out.append(s, copied, amp).append(replacement);
            copied = end;
            amp = s.indexOf('&', end);
        }
        out.append(s, copied, n);
        return out.toString();
    }

    private static String numericReference(String s, int from, int to, int radix) {
        // Python parses arbitrarily long numbers; anything above U+10FFFF is simply "too large".
        long num = 0;
        for (int i = from; i < to && num <= 0x10FFFF; i++) {
            num = num * radix + Character.digit(s.charAt(i), radix);
        }
        if (num <= Integer.MAX_VALUE) {
            String invalid = HtmlEntities.INVALID_CHARREFS.get((int) num);
            if (invalid != null) {
                return invalid;
            }
        }
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
            return "\uFFFD";
        }
        int cp = (int) num;
        if (isInvalidCodePoint(cp)) {
            return "";
        }
        return Character.toString(cp);
    }

    /** CPython's {@code _invalid_codepoints}: dropped when written as numeric references. */
    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8)
                || cp == 0xB
                || (cp >= 0xE && cp <= 0x1F)
                || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE;
    }

    /** {@code name} is the matched text after '&' (maybe with ';'); {@code codePoints} its length in code points. */
    private static String namedReference(String name, int codePoints) {
        String full = HtmlEntities.HTML5.get(name);
        if (full != null) {
            return full;
        }
        // Longest prefix of at least 2 characters that is a known name (only the legacy names without ';' can
        // match a proper prefix). Known names are ASCII, so char and code point lengths agree where it matters.
        int maxLen = Math.min(name.length(), codePoints) - 1;
        for (int x = maxLen; x > 1; x--) {
            String prefixValue = HtmlEntities.HTML5.get(name.substring(0, x));
            if (prefixValue != null) {
                return prefixValue + name.substring(x);
            }
        }
        return "&" + name;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
