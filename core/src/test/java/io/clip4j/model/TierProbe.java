package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.lang.foreign.Arena;
import java.util.Map;

/** Prints the fixture model's image and text embeddings as hex float bits, one line each (run in another JVM). */
public final class TierProbe {
    public static void main(String[] args) {
        System.out.println(embeddingBits(args[0]));
    }

    static String embeddingBits(String model) {
        ClipConfig config = ModelParityTest.configOf(
                Fixtures.json("models/" + model + "/expected.json").get("config"));
        Map<String, Tensor> exp = Fixtures.safetensors("models/" + model + "/expected.safetensors");
        var clip = new ClipModel(
                config,
                Fixtures.safetensors("models/" + model + "/open_clip_model.safetensors"),
                Arena.ofAuto(),
                Kernels.best(),
                false);
        StringBuilder sb = new StringBuilder();
        for (float v : clip.encodeImages(
                exp.get("pixels").toFloatArray(), exp.get("pixels").dim(0), null))
            sb.append(Integer.toHexString(Float.floatToIntBits(v))).append(' ');
        sb.append('|');
        for (float v : clip.encodeTexts(Fixtures.rows(exp.get("input_ids")), null))
            sb.append(' ').append(Integer.toHexString(Float.floatToIntBits(v)));
        return sb.toString();
    }
}
