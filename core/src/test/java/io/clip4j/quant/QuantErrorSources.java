package io.clip4j.quant;

import io.clip4j.api.Clip;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.kernels.Kernels;
import io.clip4j.model.ClipModel;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Not a test: which quantised weights the text embedding's error comes from. Usage: QuantErrorSources MODEL q8|q4;
 * prints the mean relative L2 error of raw text embeddings when only some groups of weights are quantised.
 */
public final class QuantErrorSources {
    public static void main(String[] args) {
        QuantScheme s = args[1].equals("q4") ? QuantScheme.Q4_0 : QuantScheme.Q8_0;
        List<String> texts = List.of(
                "a photo of a cat",
                "a red circle on the left",
                "a diagram",
                "two dogs playing in the snow",
                "a large blue star",
                "the page of a book",
                "an astronaut",
                "a cup of coffee on a table");
        try (Checkpoint c = CheckpointLoader.load(Path.of(args[0]));
                Clip clip = Clip.load(Path.of(args[0]));
                Arena arena = Arena.ofShared()) {
            int[][] tokens = clip.tokenize(texts);
            float[] ref = new ClipModel(c.config(), c.weights(), arena, Kernels.best()).encodeTexts(tokens, null);
            Map<String, Predicate<String>> groups = new LinkedHashMap<>();
            groups.put("token embedding only", n -> n.equals("token_embedding.weight"));
            groups.put("attention only", n -> !n.startsWith("visual.") && n.contains("attn."));
            groups.put("mlp only", n -> !n.startsWith("visual.") && n.contains("mlp."));
            groups.put("all text linear layers", n -> !n.startsWith("visual.") && !n.equals("token_embedding.weight"));
            groups.put("everything selected", n -> true);
            for (Map.Entry<String, Predicate<String>> g : groups.entrySet()) {
                Map<String, Tensor> w = new LinkedHashMap<>(c.weights());
                for (Map.Entry<String, Tensor> e : c.weights().entrySet()) {
                    String n = e.getKey();
                    if (!QuantizedTensors.quantised(n, e.getValue().shape())
                            || !g.getValue().test(n)) continue;
                    Map<String, Tensor> parts = QuantizedTensors.quantise(n, e.getValue(), s, arena);
                    w.put(n, QuantizedTensors.folded(n, e.getValue().shape(), s, parts));
                }
                float[] got = new ClipModel(c.config(), w, arena, Kernels.best()).encodeTexts(tokens, null);
                int e = c.config().embedDim();
                double sum = 0;
                for (int i = 0; i < texts.size(); i++) {
                    double num = 0, den = 0;
                    for (int j = 0; j < e; j++) {
                        double d = got[i * e + j] - ref[i * e + j];
                        num += d * d;
                        den += (double) ref[i * e + j] * ref[i * e + j];
                    }
                    sum += Math.sqrt(num / den);
                }
                System.out.printf(
                        Locale.ROOT, "%s %-24s mean text rel L2 %.3e%n", s.id, g.getKey(), sum / texts.size());
            }
        }
    }
}
