package io.clip4j.model;

import io.clip4j.Clip4jException;
import io.clip4j.kernels.Activation;
import java.util.Arrays;

/**
 * The shape of a CLIP model, with the meaning of the reference's {@code CLIP(...)} constructor arguments.
 *
 * @param embedDim          joint embedding size E
 * @param imageResolution   input side R in pixels
 * @param visionLayers      ViT: {@code [layers]}; ModifiedResNet: the 4 stage depths
 * @param visionWidth       ViT: token width; ResNet: stem width (stage i has width*2^i*4 output channels)
 * @param visionPatchSize   ViT patch side; 0 for ModifiedResNet
 * @param visionHeads       attention heads of the ViT blocks or of the ResNet's attention pool
 * @param contextLength     text positions (77)
 * @param vocabSize         token embedding rows (49408)
 * @param textWidth         text token width
 * @param textHeads         text attention heads
 * @param textLayers        text transformer blocks
 * @param quickGelu         activation: x*sigmoid(1.702x) (OpenAI) or exact erf GELU (some open_clip models)
 * @param mean              per-channel normalisation mean (RGB)
 * @param std               per-channel normalisation std (RGB)
 */
public record ClipConfig(
        int embedDim,
        int imageResolution,
        int[] visionLayers,
        int visionWidth,
        int visionPatchSize,
        int visionHeads,
        int contextLength,
        int vocabSize,
        int textWidth,
        int textHeads,
        int textLayers,
        boolean quickGelu,
        float[] mean,
        float[] std) {

    public static final float[] OPENAI_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] OPENAI_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** Generous bounds around every published CLIP (ViT-bigG: width 1664, 48 layers; RN50x64; 448 px). */
    public static final int MAX_WIDTH = 16384;

    public static final int MAX_RESNET_WIDTH = 512;
    public static final int MAX_LAYERS = 512;
    /** Preprocessing holds 3 * R^2 floats per image in flight (12 MB at 1024). */
    public static final int MAX_RESOLUTION = 1024;
    /** Patches per side: the ViT attends over grid^2 + 1 tokens (CLIP: 7 to 24, the largest open models ~37). */
    public static final int MAX_GRID = 64;

    public static final int MAX_CONTEXT = 4096;
    public static final int MAX_VOCAB = 1 << 24;
    /** Pixels are in [0, 1] when normalised, so is their mean; a std below a thousandth is not a std of images. */
    public static final float MIN_STD = 1e-3f, MAX_STD = 10f;

    /**
     * Refuses a config that no checkpoint can sensibly have, before anything is sized from it: sizes out of
     * range, head counts that are zero, larger than the width or do not divide it, and degenerate image
     * normalisation (a non-finite or non-positive std, a mean outside [0, 1]). {@code source} prefixes the
     * one-line message.
     */
    public void check(String source) {
        String bad = problem();
        if (bad != null) throw new Clip4jException(source + ": unusable model config: " + bad);
    }

    private String problem() {
        if (embedDim < 1 || embedDim > MAX_WIDTH) return "embed dim " + embedDim + " is not in [1, " + MAX_WIDTH + "]";
        if (imageResolution < 1 || imageResolution > MAX_RESOLUTION) {
            return "image resolution " + imageResolution + " is not in [1, " + MAX_RESOLUTION + "]";
        }
        if (visionLayers == null) return "vision layers are missing";
        if (isVit()) {
            if (visionLayers.length != 1) return "a ViT has one layer count, not " + visionLayers.length;
            if (visionPatchSize > imageResolution || imageResolution % visionPatchSize != 0) {
                return "image resolution " + imageResolution + " is not a multiple of patch size " + visionPatchSize;
            }
            if (imageResolution / visionPatchSize > MAX_GRID) {
                return "image resolution " + imageResolution + " / patch size " + visionPatchSize + " is more than "
                        + MAX_GRID + " patches per side";
            }
            String w = width("vision", visionWidth, MAX_WIDTH);
            if (w != null) return w;
            String h = heads("vision", visionHeads, visionWidth);
            if (h != null) return h;
        } else {
            if (visionPatchSize < 0) return "patch size " + visionPatchSize + " is negative";
            if (visionLayers.length != 4) return "a ModifiedResNet has 4 stage depths, not " + visionLayers.length;
            if (imageResolution < 32) return "image resolution " + imageResolution + " is below a ResNet's 32";
            String w = width("vision", visionWidth, MAX_RESNET_WIDTH);
            if (w != null) return w;
            if (visionWidth % 2 != 0)
                return "ResNet width " + visionWidth + " is odd (its stem has width / 2 channels)";
            String h = heads("vision attention-pool", visionHeads, visionWidth * 32);
            if (h != null) return h;
        }
        for (int l : visionLayers) {
            if (l < (isVit() ? 0 : 1) || l > MAX_LAYERS)
                return "vision layers " + Arrays.toString(visionLayers) + " are not in [" + (isVit() ? 0 : 1) + ", "
                        + MAX_LAYERS + "]";
        }
        if (textLayers < 0 || textLayers > MAX_LAYERS)
            return "text layers " + textLayers + " are not in [0, " + MAX_LAYERS + "]";
        String w = width("text", textWidth, MAX_WIDTH);
        if (w != null) return w;
        String h = heads("text", textHeads, textWidth);
        if (h != null) return h;
        if (contextLength < 2 || contextLength > MAX_CONTEXT)
            return "context length " + contextLength + " is not in [2, " + MAX_CONTEXT + "]";
        if (vocabSize < 1 || vocabSize > MAX_VOCAB)
            return "vocab size " + vocabSize + " is not in [1, " + MAX_VOCAB + "]";
        if (mean == null || mean.length != 3 || std == null || std.length != 3)
            return "mean and std need 3 values each";
        for (int i = 0; i < 3; i++) {
            if (!(mean[i] >= 0 && mean[i] <= 1)) return "image mean " + Arrays.toString(mean) + " is not within [0, 1]";
            if (!(std[i] >= MIN_STD && std[i] <= MAX_STD)) {
                return "image std " + Arrays.toString(std) + " is not within [" + MIN_STD + ", " + MAX_STD + "]";
            }
        }
        return null;
    }

    private static String width(String tower, int width, int max) {
        return width < 1 || width > max ? tower + " width " + width + " is not in [1, " + max + "]" : null;
    }

    private static String heads(String tower, int heads, int width) {
        if (heads < 1) return tower + " heads " + heads + " (need at least 1)";
        if (heads > width || width % heads != 0) return tower + " heads " + heads + " do not divide width " + width;
        return null;
    }

    public boolean isVit() {
        return visionPatchSize > 0;
    }

    /** Architecture name in OpenAI's style, e.g. "ViT-B/32" style description "ViT w768 L12 p32 r224". */
    public String describe() {
        String vision = isVit()
                ? "ViT(width " + visionWidth + ", layers " + visionLayers[0] + ", heads " + visionHeads + ", patch "
                        + visionPatchSize + ", resolution " + imageResolution + ")"
                : "ModifiedResNet(layers " + Arrays.toString(visionLayers) + ", width " + visionWidth + ", heads "
                        + visionHeads + ", resolution " + imageResolution + ")";
        String text = "Text(width " + textWidth + ", layers " + textLayers + ", heads " + textHeads + ", context "
                + contextLength + ", vocab " + vocabSize + ")";
        return vision + " + " + text + ", embed " + embedDim + (quickGelu ? ", QuickGELU" : ", GELU");
    }

    /** The MLP activation of both towers. */
    public Activation activation() {
        return Activation.ofQuickGelu(quickGelu);
    }

    /** The OpenAI model name this shape matches, or null. */
    public String openaiName() {
        if (isVit()) {
            String base = switch (visionWidth) {
                case 768 -> visionLayers[0] == 12 ? "ViT-B/" + visionPatchSize : null;
                case 1024 -> visionLayers[0] == 24 ? "ViT-L/" + visionPatchSize : null;
                default -> null;
            };
            if (base == null) return null;
            if (base.equals("ViT-L/14") && imageResolution == 336) return "ViT-L/14@336px";
            return imageResolution == 224 ? base : null;
        }
        int[] l = visionLayers;
        if (Arrays.equals(l, new int[] {3, 4, 6, 3}) && visionWidth == 64) return "RN50";
        if (Arrays.equals(l, new int[] {3, 4, 23, 3}) && visionWidth == 64) return "RN101";
        if (Arrays.equals(l, new int[] {4, 6, 10, 6}) && visionWidth == 80) return "RN50x4";
        if (Arrays.equals(l, new int[] {6, 8, 18, 8}) && visionWidth == 96) return "RN50x16";
        if (Arrays.equals(l, new int[] {3, 15, 36, 10}) && visionWidth == 128) return "RN50x64";
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClipConfig c
                && embedDim == c.embedDim
                && imageResolution == c.imageResolution
                && Arrays.equals(visionLayers, c.visionLayers)
                && visionWidth == c.visionWidth
                && visionPatchSize == c.visionPatchSize
                && visionHeads == c.visionHeads
                && contextLength == c.contextLength
                && vocabSize == c.vocabSize
                && textWidth == c.textWidth
                && textHeads == c.textHeads
                && textLayers == c.textLayers
                && quickGelu == c.quickGelu
                && Arrays.equals(mean, c.mean)
                && Arrays.equals(std, c.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(visionLayers) * 31 + embedDim * 17 + visionWidth + textWidth * 7;
    }

    @Override
    public String toString() {
        return describe();
    }
}
