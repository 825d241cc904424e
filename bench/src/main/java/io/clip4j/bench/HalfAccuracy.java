package io.clip4j.bench;

import io.clip4j.api.Clip;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * What {@code --half} (fp16 weight panels, fp32 accumulation) costs in accuracy: the same model loaded twice, the
 * same 8 random images and 8 random texts (5 to 68 tokens), the worst relative L2 error and 1 - cos of the
 * unnormalised embeddings against fp32. Usage: {@code HalfAccuracy MODEL}.
 */
public final class HalfAccuracy {
    private HalfAccuracy() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HalfAccuracy MODEL");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Random r = new Random(7);
        int n = 8;
        float[][] fullImages, fullTexts, halfImages, halfTexts;
        try (Clip clip = Clip.load(model, Clip.Options.defaults().withNormalize(false))) {
            int res = clip.config().imageResolution();
            float[] pixels = new float[n * 3 * res * res];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextGaussian();
            int[][] tokens = new int[n][clip.config().contextLength()];
            for (int b = 0; b < n; b++) {
                int len = 5 + 9 * b;
                tokens[b][0] = 49406;
                for (int p = 1; p < len - 1; p++) tokens[b][p] = 1 + r.nextInt(40000);
                tokens[b][len - 1] = 49407;
            }
            fullImages = clip.embedPixels(pixels, n);
            fullTexts = clip.embedTokens(tokens);
            try (Clip half = Clip.load(model, Clip.Options.defaults().withNormalize(false).withHalfWeights(true))) {
                halfImages = half.embedPixels(pixels, n);
                halfTexts = half.embedTokens(tokens);
            }
        }
        report("image", fullImages, halfImages);
        report("text", fullTexts, halfTexts);
    }

    private static void report(String what, float[][] full, float[][] half) {
        double worst = 0, worstCos = 0;
        for (int i = 0; i < full.length; i++) {
            double d = 0, nf = 0, nh = 0, dot = 0;
            for (int j = 0; j < full[i].length; j++) {
                double e = full[i][j] - half[i][j];
                d += e * e;
                nf += (double) full[i][j] * full[i][j];
                nh += (double) half[i][j] * half[i][j];
                dot += (double) full[i][j] * half[i][j];
            }
            worst = Math.max(worst, Math.sqrt(d / nf));
            worstCos = Math.max(worstCos, 1 - dot / Math.sqrt(nf * nh));
        }
        System.out.printf(Locale.ROOT, "%s: max relative L2 error %.2e, max 1 - cos %.2e%n", what, worst, worstCos);
    }
}
