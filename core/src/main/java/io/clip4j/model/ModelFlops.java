package io.clip4j.model;

/**
 * Multiply-add work of one forward pass, counted as 2 flops per multiply-add over the matrix products and
 * attention (norms and activations are a few percent and left out, as usual in GFLOP figures).
 */
public final class ModelFlops {
    private ModelFlops() {}

    /** One transformer block over {@code seq} tokens of {@code width}; causal attention does half the pairs. */
    static double block(int seq, int width, boolean causal) {
        double proj = 2.0 * seq * width * (3.0 * width + width + 4.0 * width + 4.0 * width);
        double pairs = causal ? seq * (seq + 1) / 2.0 : (double) seq * seq;
        return proj + 2.0 * 2.0 * pairs * width;
    }

    /** One image through the image tower. */
    public static double image(ClipConfig c) {
        if (c.isVit()) {
            int grid = c.imageResolution() / c.visionPatchSize();
            int seq = grid * grid + 1, w = c.visionWidth();
            double f = 2.0 * grid * grid * 3.0 * c.visionPatchSize() * c.visionPatchSize() * w;
            f += c.visionLayers()[0] * block(seq, w, false);
            return f + 2.0 * w * c.embedDim();
        }
        return resnet(c);
    }

    private static double resnet(ClipConfig c) {
        int r = c.imageResolution(), w = c.visionWidth();
        double f = 0;
        int h = r / 2;
        f += 2.0 * h * h * 27 * (w / 2);
        f += 2.0 * h * h * 9 * (w / 2) * (w / 2);
        f += 2.0 * h * h * 9 * (w / 2) * w;
        h /= 2;
        int in = w;
        for (int s = 0; s < 4; s++) {
            int planes = w << s;
            for (int i = 0; i < c.visionLayers()[s]; i++) {
                int stride = (i == 0 && s > 0) ? 2 : 1;
                f += 2.0 * h * h * in * planes + 2.0 * h * h * 9 * planes * planes;
                int oh = h / stride;
                f += 2.0 * oh * oh * planes * planes * 4;
                if (stride > 1 || in != planes * 4) f += 2.0 * oh * oh * in * planes * 4;
                h = oh;
                in = planes * 4;
            }
        }
        int cOut = w * 32, t = h * h + 1;
        f += 2.0 * (1 + 2.0 * t) * cOut * cOut + 4.0 * t * cOut + 2.0 * cOut * c.embedDim();
        return f;
    }

    /** One text of {@code tokens} positions (SOT..EOT) through the text tower. */
    public static double text(ClipConfig c, int tokens) {
        return c.textLayers() * block(tokens, c.textWidth(), true) + 2.0 * c.textWidth() * c.embedDim();
    }
}
