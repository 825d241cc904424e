package io.clip4j;

/**
 * An error caused by the user's input (a file, a flag, a text, a checkpoint) rather than by a bug.
 * Its message is one line that names the culprit; the CLI prints it as {@code clip4j: <message>}
 * and exits non-zero without a stack trace.
 */
public class Clip4jException extends RuntimeException {
    public Clip4jException(String message) {
        super(message);
    }

    public Clip4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
