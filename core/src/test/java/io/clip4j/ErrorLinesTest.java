package io.clip4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ErrorLinesTest {
    private static String[] report(Throwable t, int[] status) {
        StringWriter buf = new StringWriter();
        try (PrintWriter err = new PrintWriter(buf)) {
            status[0] = ErrorLines.report(t, err);
        }
        return buf.toString().split("\n");
    }

    @Test
    void aUserErrorAnywhereInTheCauseChainIsOneLineAndStatus1() {
        int[] status = new int[1];
        var wrapped = new RuntimeException(
                "task failed",
                new UncheckedIOException(
                        "io", new IOException("x", new Clip4jException("photo.jpg: truncated JPEG\nat byte 12"))));
        String[] lines = report(wrapped, status);
        assertEquals(ErrorLines.BAD_INPUT, status[0]);
        assertEquals(1, lines.length);
        assertEquals("clip4j: photo.jpg: truncated JPEG at byte 12", lines[0]);
    }

    @Test
    void aBugIsReportedByTypeWithStatus3() {
        int[] status = new int[1];
        String[] lines = report(new NullPointerException("boom"), status);
        assertEquals(ErrorLines.INTERNAL, status[0]);
        assertEquals("clip4j: internal error: NullPointerException: boom", lines[0]);
        assertTrue(lines[lines.length - 1].contains("CLIP4J_DEBUG") || lines.length > 2, String.join("\n", lines));
    }

    @Test
    void controlCharactersCannotBreakTheLine() {
        assertEquals("a b c\\u001b[31m d", ErrorLines.oneLine("a\nb\tc\u001b[31m\rd"));
        assertEquals("", ErrorLines.oneLine(null));
    }
}
