package io.clip4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records with a configurable separator: fields may be quoted with {@code "}, a quoted field may hold
 * separators, line breaks and doubled quotes ({@code ""}); records end at LF, CRLF or CR outside quotes. A quote
 * inside an unquoted field is kept literally (as pandas' C parser does). A UTF-8 byte-order mark is dropped.
 * Each record knows the line it starts on, for error messages. Not thread-safe; one reader per text.
 */
public final class DelimitedReader {
    /** One record: its fields and the 1-based line on which it starts. */
    public record Record(List<String> fields, int line) {
        /** A line with nothing on it (pandas skips these). */
        public boolean blank() {
            return fields.size() == 1 && fields.get(0).isEmpty();
        }
    }

    private final String text;
    private final char separator;
    private int pos;
    private int line = 1;

    public DelimitedReader(String text, char separator) {
        if (separator == '"' || separator == '\n' || separator == '\r') {
            throw new IllegalArgumentException("invalid separator " + (int) separator);
        }
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.separator = separator;
    }

    /** Thrown for a quoted field still open at the end of the text. */
    public static final class UnterminatedQuoteException extends RuntimeException {
        private final int line;

        UnterminatedQuoteException(int line) {
            super("unterminated quoted field starting on line " + line);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /** The next record, or null at the end of the text. */
    public Record next() {
        if (pos >= text.length()) return null;
        int startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false; // inside a quoted section
        boolean fieldStarted = false; // a character of the current field has been read
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (quoted) {
                if (c == '"') {
                    if (pos < text.length() && text.charAt(pos) == '"') {
                        field.append('"');
                        pos++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && !(pos < text.length() && text.charAt(pos) == '\n'))) line++;
                    field.append(c);
                }
            } else if (c == '"' && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
            } else if (c == separator) {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && pos < text.length() && text.charAt(pos) == '\n') pos++;
                line++;
                fields.add(field.toString());
                return new Record(fields, startLine);
            } else {
                field.append(c);
                fieldStarted = true;
            }
        }
        if (quoted) throw new UnterminatedQuoteException(startLine);
        fields.add(field.toString());
        return new Record(fields, startLine);
    }

    /** All records of a text. */
    public static List<Record> readAll(String text, char separator) {
        DelimitedReader r = new DelimitedReader(text, separator);
        List<Record> out = new ArrayList<>();
        for (Record rec = r.next(); rec != null; rec = r.next()) out.add(rec);
        return out;
    }
}
