package io.clip4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the reference outputs copied into test resources (see src/test/resources/models/README.md).
 * Independent of the product's checkpoint code on purpose: expected values must not pass through the code
 * under test.
 */
public final class Fixtures {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /**
     * The shared test resources (core/src/test/resources). The build passes their folder to the tests of every
     * module (the clip4j.testResources property of the parent pom), since a module above core sees them only
     * inside core's test-jar, where a model cannot be memory-mapped.
     */
    public static Path resources() {
        String dir = System.getProperty("clip4j.testResources");
        if (dir != null) return Path.of(dir).toAbsolutePath().normalize();
        // a child JVM a test starts (without the property): the first core/src/test/resources above the working folder
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("core/src/test/resources");
            if (Files.isDirectory(candidate)) return candidate;
        }
        return Path.of("src/test/resources").toAbsolutePath();
    }

    /** The repository's root folder (where ./clip4j and the README are). */
    public static Path repositoryRoot() {
        return Path.of(System.getProperty("clip4j.root", "..")).toAbsolutePath().normalize();
    }

    public static Path resource(String path) {
        Path file = resources().resolve(path);
        if (Files.exists(file)) return file;
        try {
            var url = Fixtures.class.getClassLoader().getResource(path);
            if (url == null) throw new IllegalStateException("missing test resource " + path);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String path) {
        try {
            return JSON.readTree(resource(path).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All tensors of a safetensors file, read onto the heap. */
    public static Map<String, Tensor> safetensors(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            JsonNode header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode t = e.getValue();
                int[] shape = new int[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++)
                    shape[i] = t.get("shape").get(i).asInt();
                long s = t.get("data_offsets").get(0).asLong(),
                        end = t.get("data_offsets").get(1).asLong();
                byte[] bytes = Arrays.copyOfRange(all, (int) (8 + n + s), (int) (8 + n + end));
                out.put(
                        e.getKey(),
                        new Tensor(
                                e.getKey(),
                                DType.fromSafetensors(t.get("dtype").asText()),
                                shape,
                                MemorySegment.ofArray(bytes)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Tensor> safetensors(String resourcePath) {
        return safetensors(resource(resourcePath));
    }

    /** ||a - b|| / ||b||, the fixtures' tolerance measure. */
    public static double relativeError(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("length " + a.length + " vs " + b.length);
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    public static int[][] rows(Tensor ids) {
        int rows = ids.dim(0), cols = ids.dim(1);
        int[][] out = new int[rows][cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) out[r][c] = (int) ids.getFloat((long) r * cols + c);
        return out;
    }
}
