package io.clip4j.checkpoint;

import java.util.Locale;

/**
 * Text read from a file (a tensor name, a pickle global, a zip entry name, a config string) made safe to quote in
 * a one-line error message: control characters, other invisible code points and lone surrogates become
 * {@code \xNN} / {@code \\uNNNN} escapes, backslashes are doubled, and very long values are cut.
 */
public final class Printable {
    private static final int MAX_CHARS = 200;

    private Printable() {}

    public static String of(String s) {
        if (s == null) return "null";
        StringBuilder sb = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20
                    && c != 0x7f
                    && c != '\\'
                    && !Character.isSurrogate(c)
                    && !(c >= 0x80 && c < 0xa0)
                    && Character.getType(c) != Character.FORMAT
                    && c != 0x2028
                    && c != 0x2029;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (sb != null) sb.append(c).append(s.charAt(i + 1));
                i++;
                continue;
            }
            if (plain && sb == null) {
                if (i >= MAX_CHARS) return s.substring(0, MAX_CHARS) + "...";
                continue;
            }
            if (sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (sb.length() >= MAX_CHARS) return sb.append("...").toString();
            if (plain) sb.append(c);
            else if (c == '\\') sb.append("\\\\");
            else if (c < 0x100) sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            else sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return sb == null ? s : sb.toString();
    }
}
