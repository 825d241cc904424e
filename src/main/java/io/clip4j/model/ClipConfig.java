package io.clip4j.model;

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
        return o instanceof ClipConfig c && embedDim == c.embedDim && imageResolution == c.imageResolution
                && Arrays.equals(visionLayers, c.visionLayers) && visionWidth == c.visionWidth
                && visionPatchSize == c.visionPatchSize && visionHeads == c.visionHeads
                && contextLength == c.contextLength && vocabSize == c.vocabSize && textWidth == c.textWidth
                && textHeads == c.textHeads && textLayers == c.textLayers && quickGelu == c.quickGelu
                && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std);
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
