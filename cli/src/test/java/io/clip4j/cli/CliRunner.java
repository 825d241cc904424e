package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the CLI in-process and captures what it prints. */
public record CliRunner(int code, String out, String err) {

    public static CliRunner run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRunner(code, out.toString(), err.toString());
    }

    /** As {@link #run} with these environment variables instead of the process's (HF_ENDPOINT, CLIP4J_CACHE, ...). */
    public static CliRunner runWithEnv(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new CliRunner(code, out.toString(), err.toString());
    }

    /** A usage error: exit status 2, the message on stderr, no stack trace. */
    public void assertUsageError(String culprit) {
        assertEquals(2, code, "bad usage exits with 2; stderr: " + err);
        assertTrue(err.startsWith("clip4j: "), err);
        assertTrue(err.contains(culprit), "error should name " + culprit + ": " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }

    public JsonNode json() {
        try {
            return Fixtures.JSON.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not JSON: " + out, e);
        }
    }

    /** A user error: non-zero exit, one "clip4j: ..." line naming {@code culprit}, no stack trace. */
    public void assertOneLineError(String culprit) {
        assertTrue(code != 0, "exit status should be non-zero; stdout: " + out);
        String[] lines = err.strip().split("\n");
        assertTrue(lines.length == 1, "one line on stderr, got: " + err);
        assertTrue(lines[0].startsWith("clip4j: "), err);
        assertTrue(lines[0].contains(culprit), "error should name " + culprit + ": " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }
}
