package io.clip4j.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "has written text" direction of an image embedding space: the unit weight vector of a logistic regression
 * separating images with text from images without. Adding {@code s * direction} to a text query moves it towards
 * (s &gt; 0) or away from (s &lt; 0) images that show the query's words as text.
 *
 * @param direction     unit vector, model's embedding dimension
 * @param trainAccuracy fraction of training images classified correctly
 */
public record TextnessDirection(
        ModelIdentity model, float[] direction, double trainAccuracy, int withText, int withoutText, double l2) {
    public static final String FILE_NAME = "textness.json";
    static final String FORMAT = "clip4j-textness-1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void save(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("model", model.toMap());
        m.put("dim", direction.length);
        m.put("train_accuracy", trainAccuracy);
        m.put("with_text", withText);
        m.put("without_text", withoutText);
        m.put("l2", l2);
        m.put("direction", direction);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), m);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    public static TextnessDirection load(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new Clip4jException(file + ": no such textness file");
        } catch (IOException e) {
            throw new Clip4jException(file + ": not a textness file ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (n == null
                || !FORMAT.equals(n.path("format").asText())
                || !n.path("direction").isArray()) {
            throw new Clip4jException(file + ": not a textness file");
        }
        ModelIdentity model = ModelIdentity.fromNode(n.get("model"), file.toString());
        JsonNode d = n.get("direction");
        float[] dir = new float[d.size()];
        for (int i = 0; i < dir.length; i++) dir[i] = (float) d.get(i).asDouble();
        if (dir.length != model.embedDim())
            throw new Clip4jException(file + ": direction has " + dir.length + " dims, model " + model.embedDim());
        return new TextnessDirection(
                model,
                dir,
                n.path("train_accuracy").asDouble(),
                n.path("with_text").asInt(),
                n.path("without_text").asInt(),
                n.path("l2").asDouble());
    }
}
