package io.clip4j.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which model made an index's vectors. Two models are the same when their architecture hash, weight
 * fingerprint and embedding size agree; the path only tells search where to load the model from.
 *
 * @param path        the model path as an absolute path
 * @param configHash  sha256 of the architecture (every ClipConfig field, canonically printed)
 * @param weights     sha256 over a few values of a few tensors (as float32, whatever the stored dtype): cheap to
 *                    compute on a memory-mapped model yet different for any fine-tune; for a file written by
 *                    {@code clip4j convert}, the fingerprint it recorded (the same value for a whole model, and the
 *                    whole model's for each of its one-tower halves)
 * @param embedDim    vector dimension
 */
public record ModelIdentity(String path, String configHash, String weights, int embedDim) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SAMPLES_PER_TENSOR = 4096;

    public static ModelIdentity of(Clip clip) {
        ClipConfig c = clip.config();
        String canonical = String.join(
                "|",
                String.valueOf(c.embedDim()),
                String.valueOf(c.imageResolution()),
                Arrays.toString(c.visionLayers()),
                String.valueOf(c.visionWidth()),
                String.valueOf(c.visionPatchSize()),
                String.valueOf(c.visionHeads()),
                String.valueOf(c.contextLength()),
                String.valueOf(c.vocabSize()),
                String.valueOf(c.textWidth()),
                String.valueOf(c.textHeads()),
                String.valueOf(c.textLayers()),
                String.valueOf(c.quickGelu()),
                Arrays.toString(c.mean()),
                Arrays.toString(c.std()));
        MessageDigest md = sha256();
        md.update(canonical.getBytes(StandardCharsets.UTF_8));
        String configHash = HexFormat.of().formatHex(md.digest());

        String recorded = clip.checkpoint().modelId();
        String weights =
                recorded != null ? recorded : fingerprint(clip.checkpoint().weights());
        return new ModelIdentity(
                clip.checkpoint().source().toAbsolutePath().normalize().toString(),
                configHash,
                weights,
                clip.embedDim());
    }

    /**
     * The weight fingerprint of a whole model's tensors (OpenAI names): {@code clip4j convert} records it in the files
     * it writes, so that the image-only and the text-only half of a model are recognised as that model.
     */
    public static String fingerprint(Map<String, Tensor> w) {
        List<String> names = new ArrayList<>(w.keySet());
        names.sort(null);
        // a handful of tensors spread over both towers, always the same ones for the same architecture
        List<String> picked = new ArrayList<>();
        for (String n : List.of(
                "text_projection",
                "visual.proj",
                "logit_scale",
                "token_embedding.weight",
                "positional_embedding",
                "ln_final.weight")) {
            if (w.containsKey(n)) picked.add(n);
        }
        for (int i = 0; i < names.size(); i += Math.max(1, names.size() / 8)) picked.add(names.get(i));
        MessageDigest wd = sha256();
        ByteBuffer buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (String n : picked) {
            Tensor t = w.get(n);
            wd.update(n.getBytes(StandardCharsets.UTF_8));
            long numel = t.numel();
            long step = Math.max(1, numel / SAMPLES_PER_TENSOR);
            for (long i = 0; i < numel; i += step) {
                buf.clear();
                buf.putFloat(t.getFloat(i));
                wd.update(buf.array());
            }
        }
        return HexFormat.of().formatHex(wd.digest());
    }

    /** Same vectors for the same inputs (the path may differ: a model folder can be moved or copied). */
    public boolean sameModel(ModelIdentity o) {
        return configHash.equals(o.configHash) && weights.equals(o.weights) && embedDim == o.embedDim;
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("config_sha256", configHash);
        m.put("weights_fingerprint", weights);
        m.put("embed_dim", embedDim);
        try {
            return JSON.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param where names the file or index in the error message */
    public static ModelIdentity fromJson(String json, String where) {
        try {
            JsonNode n = JSON.readTree(json);
            return fromNode(n, where);
        } catch (Clip4jException e) {
            throw e;
        } catch (Exception e) {
            throw new Clip4jException(where + ": unreadable model identity");
        }
    }

    public static ModelIdentity fromNode(JsonNode n, String where) {
        if (n == null
                || !n.hasNonNull("path")
                || !n.hasNonNull("config_sha256")
                || !n.hasNonNull("weights_fingerprint")
                || !n.hasNonNull("embed_dim")) {
            throw new Clip4jException(where + ": model identity is missing or incomplete");
        }
        return new ModelIdentity(
                n.get("path").asText(),
                n.get("config_sha256").asText(),
                n.get("weights_fingerprint").asText(),
                n.get("embed_dim").asInt());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("config_sha256", configHash);
        m.put("weights_fingerprint", weights);
        m.put("embed_dim", embedDim);
        return m;
    }

    public Path modelPath() {
        return Path.of(path);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
