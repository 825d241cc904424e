package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Map;

/**
 * A CLIP model ready for inference: the image tower (ViT or ModifiedResNet), the text tower and the learned
 * temperature. Weights are read-only after construction and every call allocates its own activations, so
 * one instance serves concurrent callers.
 */
public final class ClipModel {
    private final ClipConfig config;
    private final ImageEncoder image;
    private final TextTransformer text;
    private final float logitScale;
    private final Arena arena;

    /**
     * @param weights OpenAI state-dict names and layouts (see {@code Checkpoint})
     * @param arena   owns widened copies of fp16/bf16 weights; lives as long as the model
     */
    public ClipModel(ClipConfig config, Map<String, Tensor> weights, Arena arena, Kernels kernels) {
        this(config, weights, arena, kernels, false);
    }

    /**
     * @param halfWeights keep the GEMM's packed weights as fp16 (half the memory; products still accumulate in
     *                    fp32, inputs rounded to fp16 precision)
     */
    public ClipModel(
            ClipConfig config, Map<String, Tensor> weights, Arena arena, Kernels kernels, boolean halfWeights) {
        this.config = config;
        this.arena = arena;
        Weights w = new Weights(weights, arena, halfWeights);
        // a one-tower file (clip4j convert --tower) builds only the tower it holds
        boolean hasImage = weights.keySet().stream().anyMatch(k -> k.startsWith("visual."));
        this.image = !hasImage
                ? null
                : config.isVit() ? new VisionTransformer(w, config, kernels) : new ModifiedResNet(w, config, kernels);
        this.text = weights.containsKey("token_embedding.weight") ? new TextTransformer(w, config, kernels) : null;
        this.logitScale = w.vector("logit_scale")[0];
    }

    public ClipConfig config() {
        return config;
    }

    public boolean hasImageTower() {
        return image != null;
    }

    public boolean hasTextTower() {
        return text != null;
    }

    /** The raw parameter; logits use exp(logitScale). */
    public float logitScale() {
        return logitScale;
    }

    /** batch x 3 x R x R preprocessed pixels -> batch x E embeddings (not normalised). */
    public float[] encodeImages(float[] pixels, int batch, Trace trace) {
        int expected = batch * 3 * config.imageResolution() * config.imageResolution();
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels: " + pixels.length + " floats, expected " + expected);
        }
        if (image == null) throw new IllegalStateException("this model has no image tower");
        return image.encode(pixels, batch, trace);
    }

    /** Token rows (SOT ... EOT, zero padded) -> rows x E embeddings (not normalised). */
    public float[] encodeTexts(int[][] tokens, Trace trace) {
        if (text == null) throw new IllegalStateException("this model has no text tower");
        return text.encode(tokens, trace);
    }

    /** The text tower (for tests in this package), or null. */
    TextTransformer text() {
        return text;
    }
}
