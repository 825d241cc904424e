package io.clip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading small JSON config files with one-line errors. */
final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {}

    /** Config files are a few kB; a bigger one is not a config (and would be read into memory whole). */
    static final long MAX_BYTES = 16L << 20;

    static JsonNode readObject(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES)
                throw new Clip4jException(path + ": " + size + " bytes is too large for a JSON config file");
            JsonNode n = JSON.readTree(Files.readString(path));
            if (n == null || !n.isObject()) throw new Clip4jException(path + ": not a JSON object");
            return n;
        } catch (NoSuchFileException e) {
            throw new Clip4jException(path + ": no such file or directory");
        } catch (IOException e) {
            String msg = e.getMessage() == null
                    ? ""
                    : e.getMessage().lines().findFirst().orElse("");
            throw new Clip4jException(path + ": invalid JSON: " + Printable.of(msg));
        }
    }

    static int intOr(Path file, JsonNode obj, String key, int dflt, String where) {
        JsonNode v = obj == null ? null : obj.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new Clip4jException(
                    file + ": " + where + key + " must be a non-negative integer, not " + Printable.of(v.toString()));
        }
        return v.asInt();
    }

    static float[] floats3(Path file, JsonNode obj, String key, float[] dflt, String where) {
        JsonNode v = obj == null ? null : obj.get(key);
        if (v == null || v.isNull()) return dflt.clone();
        if (!v.isArray() || v.size() != 3)
            throw new Clip4jException(
                    file + ": " + where + key + " must be a list of 3 numbers, not " + Printable.of(v.toString()));
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber())
                throw new Clip4jException(
                        file + ": " + where + key + " must be a list of 3 numbers, not " + Printable.of(v.toString()));
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }
}
