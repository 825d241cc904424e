package io.clip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --format text|json}, shared by the commands. JSON goes to stdout as one document. */
public final class OutputOptions {
    public enum Format {
        text,
        json
    }

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    @Option(
            names = "--format",
            paramLabel = "text|json",
            description = "Output format (default: ${DEFAULT-VALUE}).",
            defaultValue = "text")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
