package io.clip4j.tokenizer;

import java.text.Normalizer;

/**
 * The default {@code ftfy.fix_text} of ftfy 6 (the text fixer OpenAI's tokenizer runs first), with its
 * default configuration. The text is fixed line by line (each segment ends after a '\n'); on each segment
 * these steps repeat until nothing changes:
 * <ol>
 *   <li>unescape HTML entities that end in ';' (ftfy's own table: the HTML5 names plus upper-cased
 *       variants) -- switched off for this and all later lines once a line contains '&lt;';</li>
 *   <li>fix mojibake ({@link MojibakeFixer});</li>
 *   <li>C1 controls U+0080..U+009F to their Windows-1252 meaning;</li>
 *   <li>Latin ligatures to letters; halfwidth/fullwidth forms (and U+3000) to normal width;</li>
 *   <li>curly quotes to ASCII; CRLF, CR, U+2028, U+2029, U+0085 to LF; lone surrogates to U+FFFD;</li>
 *   <li>ANSI terminal escapes and unwanted control characters removed;</li>
 *   <li>NFC normalization.</li>
 * </ol>
 */
public final class TextFixer {
    /** ftfy's max_decode_length: longer lines are fixed in pieces of this many code units. */
    private static final int MAX_SEGMENT = 1_000_000;

    private static final String[] WIDTH_MAP = buildWidthMap();

    private TextFixer() {}

    public static String fixText(String text) {
        if (isPlainAscii(text)) {
            return text; // nothing below can change printable ASCII without '&', ESC, CR or controls
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos) + 1;
            if (end == 0) {
                end = text.length();
            }
            if (end - pos > MAX_SEGMENT) {
                end = pos + MAX_SEGMENT;
            }
            String segment = text.substring(pos, end);
            if (unescapeHtml && segment.indexOf('<') >= 0) {
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x7F || (c < 0x20 && c != '\t' && c != '\n') || c == '&') {
                return false;
            }
        }
        return true;
    }

    static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String orig = text;
            if (unescapeHtml) {
                text = unescapeHtml(text);
            }
            text = MojibakeFixer.fixEncoding(text);
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = removeTerminalEscapes(text);
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(orig)) {
                return text;
            }
        }
    }

    /**
     * ftfy's {@code unescape_html}: replaces matches of {@code &#?[0-9A-Za-z]{1,24};} that are in its entity
     * table; numeric ones go through {@code html.unescape} and are kept only if it consumed the ';'.
     */
    static String unescapeHtml(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        while (amp >= 0) {
            int p = amp + 1;
            boolean numeric = p < s.length() && s.charAt(p) == '#';
            if (numeric) {
                p++;
            }
            int e = p;
            while (e < s.length() && e - p < 24 && isAsciiAlnum(s.charAt(e))) {
                e++;
            }
            if (e > p && e < s.length() && s.charAt(e) == ';') {
                String entity = s.substring(amp, e + 1);
                String replacement;
                if (numeric) {
                    String unescaped = HtmlUnescaper.unescape(entity);
                    replacement = unescaped.indexOf(';') >= 0 ? entity : unescaped;
                } else {
                    String name = entity.substring(1);
                    replacement = HtmlEntities.HTML5.get(name);
                    if (replacement == null) {
                        replacement = HtmlEntities.FTFY_UPPERCASE.getOrDefault(name, entity);
                    }
                }
                out.append(s, copied, amp).append(replacement);
                copied = e + 1;
                amp = s.indexOf('&', copied);
            } else {
                amp = s.indexOf('&', amp + 1);
            }
        }
        return out.append(s, copied, s.length()).toString();
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** C1 controls as "sloppy" Windows-1252: defined bytes to their characters, the five undefined ones kept. */
    static String fixC1Controls(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append(Windows1252.SLOPPY[c]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    static String fixLatinLigatures(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = ligature(c);
            if (r != null && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static String ligature(char c) {
        return switch (c) {
            case '\u0132' -> "IJ";
            case '\u0133' -> "ij";
            case '\u0149' -> "\u02BCn";
            case '\u01F1' -> "DZ";
            case '\u01F2' -> "Dz";
            case '\u01F3' -> "dz";
            case '\u01C4' -> "D\u017D";
            case '\u01C5' -> "D\u017E";
            case '\u01C6' -> "d\u017E";
            case '\u01C7' -> "LJ";
            case '\u01C8' -> "Lj";
            case '\u01C9' -> "lj";
            case '\u01CA' -> "NJ";
            case '\u01CB' -> "Nj";
            case '\u01CC' -> "nj";
            case '\uFB00' -> "ff";
            case '\uFB01' -> "fi";
            case '\uFB02' -> "fl";
            case '\uFB03' -> "ffi";
            case '\uFB04' -> "ffl";
            case '\uFB05' -> "\u017Ft";
            case '\uFB06' -> "st";
            default -> null;
        };
    }

    /** U+3000 to a space; U+FF01..U+FFEF to their NFKC form wherever that differs. */
    private static String[] buildWidthMap() {
        String[] map = new String[0xFFF0 - 0xFF00];
        for (int cp = 0xFF01; cp < 0xFFF0; cp++) {
            String c = String.valueOf((char) cp);
            String alt = Normalizer.normalize(c, Normalizer.Form.NFKC);
            if (!alt.equals(c)) {
                map[cp - 0xFF00] = alt;
            }
        }
        return map;
    }

    static String fixCharacterWidth(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = c == '\u3000' ? " " : (c > 0xFF00 && c < 0xFFF0 ? WIDTH_MAP[c - 0xFF00] : null);
            if (r != null && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /** U+02BC and U+2018..U+201B to ', U+201C..U+201F to ". */
    static String uncurlQuotes(String s) {
        char[] a = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char r = c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')
                    ? '\''
                    : (c >= '\u201C' && c <= '\u201F' ? '"' : 0);
            if (r != 0) {
                if (a == null) {
                    a = s.toCharArray();
                }
                a[i] = r;
            }
        }
        return a == null ? s : new String(a);
    }

    static String fixLineBreaks(String s) {
        return s.replace("\r\n", "\n")
                .replace('\r', '\n')
                .replace('\u2028', '\n')
                .replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    /** Paired surrogates already form one code point in Java; lone ones become U+FFFD. */
    static String fixSurrogates(String s) {
        char[] a = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                if (a == null) {
                    a = s.toCharArray();
                }
                a[i] = '\uFFFD';
            }
        }
        return a == null ? s : new String(a);
    }

    /** Removes {@code \033\[((?:\d|;)*)([a-zA-Z])}; Python's \d is any Unicode decimal digit. */
    static String removeTerminalEscapes(String s) {
        int esc = s.indexOf('\u001B');
        if (esc < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        while (esc >= 0) {
            int i = esc + 1;
            int end = -1;
            if (i < s.length() && s.charAt(i) == '[') {
                i++;
                while (i < s.length()) {
                    int cp = s.codePointAt(i);
                    if (cp == ';' || Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                        i += Character.charCount(cp);
                    } else {
                        break;
                    }
                }
                if (i < s.length()) {
                    char c = s.charAt(i);
                    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                        end = i + 1;
                    }
                }
            }
            if (end >= 0) {
                out.append(s, copied, esc);
                copied = end;
                esc = s.indexOf('\u001B', end);
            } else {
                esc = s.indexOf('\u001B', esc + 1);
            }
        }
        return out.append(s, copied, s.length()).toString();
    }

    /**
     * Removes U+0000..U+0008, U+000B, U+000E..U+001F, U+007F, U+206A..U+206F, U+FEFF and U+FFF9..U+FFFC;
     * keeps tab, LF, FF, CR, C1 controls, joiners and bidi marks.
     */
    static String removeControlChars(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean remove = (c <= 0x08)
                    || c == 0x0B
                    || (c >= 0x0E && c <= 0x1F)
                    || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F)
                    || c == 0xFEFF
                    || (c >= 0xFFF9 && c <= 0xFFFC);
            if (remove && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null && !remove) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
