package io.clip4j.data;

import java.util.List;

/** RFC 4180 output: a field is quoted (quotes doubled) only when it holds the separator, a quote or a line break. */
public final class DelimitedWriter {
    private DelimitedWriter() {}

    public static String field(String s, char separator) {
        boolean quote =
                s.indexOf(separator) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** One record with its line ending ("\n"). */
    public static String row(List<String> fields, char separator) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(separator);
            sb.append(field(fields.get(i), separator));
        }
        return sb.append('\n').toString();
    }
}
