package io.clip4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.ScalarKernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The model against the reference's embeddings, logits and intermediates (relative L2 error <= 1e-5). */
class ModelParityTest {
    static final double TOL = 1e-5;

    static ClipConfig configOf(JsonNode c) {
        JsonNode vl = c.get("vision_layers");
        int[] layers = vl.isArray()
                ? new int[] {
                    vl.get(0).asInt(),
                    vl.get(1).asInt(),
                    vl.get(2).asInt(),
                    vl.get(3).asInt()
                }
                : new int[] {vl.asInt()};
        int vw = c.get("vision_width").asInt();
        boolean vit = !c.get("vision_patch_size").isNull();
        return new ClipConfig(
                c.get("embed_dim").asInt(),
                c.get("image_resolution").asInt(),
                layers,
                vw,
                vit ? c.get("vision_patch_size").asInt() : 0,
                vit ? vw / 64 : vw * 32 / 64,
                c.get("context_length").asInt(),
                c.get("vocab_size").asInt(),
                c.get("transformer_width").asInt(),
                c.get("transformer_width").asInt() / 64,
                c.get("transformer_layers").asInt(),
                true,
                ClipConfig.OPENAI_MEAN,
                ClipConfig.OPENAI_STD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-tiny", "rn-tiny"})
    void embeddingsLogitsAndIntermediatesMatchReference(String model) {
        // the fixtures' matrices are fp16 values, so fp16 panel storage must be as exact as float32
        for (Object[] variant :
                new Object[][] {{Kernels.best(), false}, {new ScalarKernels(), false}, {Kernels.best(), true}}) {
            Kernels k = (Kernels) variant[0];
            boolean half = (Boolean) variant[1];
            ClipConfig config =
                    configOf(Fixtures.json("models/" + model + "/expected.json").get("config"));
            Map<String, Tensor> weights = Fixtures.safetensors("models/" + model + "/open_clip_model.safetensors");
            Map<String, Tensor> exp = Fixtures.safetensors("models/" + model + "/expected.safetensors");
            var clip = new ClipModel(config, weights, Arena.ofAuto(), k, half);
            Tensor pixels = exp.get("pixels");
            int n = pixels.dim(0);
            Map<String, float[]> trace = new HashMap<>();
            Trace rec = (name, v, len) -> trace.put(name, Arrays.copyOf(v, len));
            float[] img = clip.encodeImages(pixels.toFloatArray(), n, rec);
            float[] txt = clip.encodeTexts(Fixtures.rows(exp.get("input_ids")), rec);
            check(model + " image_embeds", img, exp.get("image_embeds"));
            check(model + " text_embeds", txt, exp.get("text_embeds"));
            for (var e : exp.entrySet()) {
                if (e.getKey().startsWith("vision.") || e.getKey().startsWith("text.")) {
                    assertTrue(trace.containsKey(e.getKey()), "intermediate " + e.getKey() + " not produced");
                    check(model + " " + e.getKey(), trace.get(e.getKey()), e.getValue());
                }
            }
            assertEquals(exp.get("logit_scale").toFloatArray()[0], clip.logitScale(), 0f);
        }
    }

    /**
     * Work buffers are kept between calls (a larger batch's buffers serve a smaller one, stale values and all):
     * each row's embedding must be the same alone, in its batch, and after calls of other sizes — a row's result
     * depends on no other row, and nothing of an earlier call may leak into a later one. The same bits, too:
     * the kernels use no operation whose result depends on whether the JIT has compiled them yet (see
     * VectorMath), so the first calls, partly interpreted, agree with the later ones.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vit-tiny", "rn-tiny"})
    void rowsDoNotDependOnTheirBatchOrOnEarlierCalls(String model) {
        ClipConfig config =
                configOf(Fixtures.json("models/" + model + "/expected.json").get("config"));
        Map<String, Tensor> exp = Fixtures.safetensors("models/" + model + "/expected.safetensors");
        var clip = new ClipModel(
                config,
                Fixtures.safetensors("models/" + model + "/open_clip_model.safetensors"),
                Arena.ofAuto(),
                Kernels.best(),
                false);
        float[] pixels = exp.get("pixels").toFloatArray();
        int n = exp.get("pixels").dim(0), img = pixels.length / n, e = config.embedDim();
        int[][] ids = Fixtures.rows(exp.get("input_ids"));
        float[] images = clip.encodeImages(pixels, n, null), texts = clip.encodeTexts(ids, null);
        check(model + " image_embeds, no trace", images, exp.get("image_embeds"));
        check(model + " text_embeds, no trace", texts, exp.get("text_embeds"));
        for (int i = 0; i < n; i++) {
            float[] one = clip.encodeImages(Arrays.copyOfRange(pixels, i * img, (i + 1) * img), 1, null);
            same(Arrays.copyOfRange(images, i * e, (i + 1) * e), one, model + " image " + i + " alone");
        }
        for (int i = 0; i < ids.length; i++) {
            float[] one = clip.encodeTexts(new int[][] {ids[i]}, null);
            same(Arrays.copyOfRange(texts, i * e, (i + 1) * e), one, model + " text " + i + " alone");
        }
        same(images, clip.encodeImages(pixels, n, null), model + " images again");
        same(texts, clip.encodeTexts(ids, null), model + " texts again");
    }

    /**
     * The text tower takes the start token's keys and values from one computation shared by every text (position
     * 0 sees only itself under the causal mask): the same bits as computing position 0 in every row, whatever the
     * batch, and the same embeddings as the reference (checked above through the shared path).
     */
    @ParameterizedTest
    @ValueSource(strings = {"vit-tiny", "rn-tiny"})
    void sharedStartTokenGivesTheSameBitsAsTheWholeSequence(String model) {
        Map<String, Tensor> exp = Fixtures.safetensors("models/" + model + "/expected.safetensors");
        var clip = new ClipModel(
                configOf(Fixtures.json("models/" + model + "/expected.json").get("config")),
                Fixtures.safetensors("models/" + model + "/open_clip_model.safetensors"),
                Arena.ofAuto(),
                Kernels.best(),
                false);
        int[][] ids = Fixtures.rows(exp.get("input_ids"));
        same(clip.text().encode(ids, null, false), clip.text().encode(ids, null, true), model + " batch");
        for (int[] row : ids) {
            int[][] one = {row};
            same(clip.text().encode(one, null, false), clip.text().encode(one, null, true), model + " one row");
        }
        // another first token (the largest id last, so that it pools there): a new prefix, not the stale one
        int[][] other = {{ids[0][0] - 1, 5, 7, ids[0][0] + 1}};
        same(clip.text().encode(other, null, false), clip.text().encode(other, null, true), model + " other start");
        same(clip.text().encode(ids, null, false), clip.text().encode(ids, null, true), model + " batch again");
    }

    private static void same(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    Float.floatToIntBits(expected[i]),
                    Float.floatToIntBits(actual[i]),
                    what + " [" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }

    static void check(String what, float[] actual, Tensor expected) {
        double err = Fixtures.relativeError(actual, expected.toFloatArray());
        if (Boolean.getBoolean("clip4j.verbose")) System.out.println(what + " rel err " + err);
        assertTrue(err <= TOL, what + ": relative error " + err);
    }
}
