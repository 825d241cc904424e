package io.clip4j;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * How a clip4j command reports a failure (the CLI and the Spark job alike): a {@link Clip4jException} anywhere in the
 * cause chain is the user's input and becomes one line {@code clip4j: <message>} with exit status 1; anything else is
 * a bug, reported by its type and message (the stack trace only with {@code CLIP4J_DEBUG} set) with exit status 3.
 */
public final class ErrorLines {
    /** Exit statuses: bad input, bad usage, a bug. */
    public static final int BAD_INPUT = 1, BAD_USAGE = 2, INTERNAL = 3;

    private ErrorLines() {}

    /** Prints the report of {@code failure} on {@code err} and returns the exit status. */
    public static int report(Throwable failure, PrintWriter err) {
        Throwable t = failure;
        while (!(t instanceof Clip4jException) && t.getCause() != null && t != t.getCause()) t = t.getCause();
        if (t instanceof Clip4jException) {
            err.println("clip4j: " + oneLine(t.getMessage()));
            return BAD_INPUT;
        }
        err.println("clip4j: internal error: " + failure.getClass().getSimpleName() + ": "
                + oneLine(String.valueOf(failure.getMessage())));
        if (System.getenv("CLIP4J_DEBUG") != null) failure.printStackTrace(err);
        else err.println("clip4j: (set CLIP4J_DEBUG=1 for the stack trace; please report it)");
        return INTERNAL;
    }

    /** A message as one printable line: line breaks become spaces, other control characters \\uXXXX escapes. */
    public static String oneLine(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') b.append(' ');
            else if (c < 0x20 || c == 0x7F) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
