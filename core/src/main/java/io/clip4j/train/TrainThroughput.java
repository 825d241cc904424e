package io.clip4j.train;

import io.clip4j.model.ClipConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Training-step throughput on random data, the Java side of {@code scripts/bench-train-torch.py}: the same shapes,
 * loss and AdamW, random pixels and random tokens with the EOT token last (the whole context is computed).
 * {@code java -cp ... io.clip4j.train.TrainThroughput [steps] MODEL:BATCH...}, MODEL quickstart or vit-b-32.
 */
public final class TrainThroughput {
    private TrainThroughput() {}

    public static ClipConfig model(String name) {
        return switch (name) {
            // QuickstartRecipe.standard's model (kept literal: the quickstart depends on this package, not the reverse)
            case "quickstart" ->
                new ClipConfig(
                        128,
                        16,
                        new int[] {3},
                        128,
                        4,
                        4,
                        24,
                        49408,
                        128,
                        4,
                        1,
                        false,
                        ClipConfig.OPENAI_MEAN.clone(),
                        ClipConfig.OPENAI_STD.clone());
            case "vit-b-32" ->
                new ClipConfig(
                        512,
                        224,
                        new int[] {12},
                        768,
                        32,
                        12,
                        77,
                        49408,
                        512,
                        8,
                        12,
                        true,
                        ClipConfig.OPENAI_MEAN.clone(),
                        ClipConfig.OPENAI_STD.clone());
            default -> throw new IllegalArgumentException("unknown model " + name + " (quickstart, vit-b-32)");
        };
    }

    /** Median images/s over {@code steps} steps after one warm-up step. */
    public static double imagesPerSecond(ClipConfig c, int batch, int steps) {
        TrainableClip m = TrainableClip.fromScratch(c, 0);
        var trainer = new ClipTrainer(m, AdamW.openClipDefaults(m.parameters()), LrSchedule.constant(5e-4));
        Random r = new Random(0);
        float[] pixels = new float[batch * 3 * c.imageResolution() * c.imageResolution()];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextGaussian();
        int[][] tokens = new int[batch][c.contextLength()];
        for (int[] row : tokens) {
            for (int j = 0; j < row.length; j++) row[j] = 1 + r.nextInt(49405);
            row[0] = 49406;
            row[row.length - 1] = 49407;
        }
        double[] t = new double[steps];
        for (int s = -1; s < steps; s++) {
            long t0 = System.nanoTime();
            trainer.step(pixels, tokens, batch);
            if (s >= 0) t[s] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return batch / t[steps / 2];
    }

    public static void main(String[] args) {
        int steps = 3, first = 0;
        if (args.length > 0 && args[0].matches("\\d+")) {
            steps = Integer.parseInt(args[0]);
            first = 1;
        }
        String[] cases = args.length > first
                ? Arrays.copyOfRange(args, first, args.length)
                : new String[] {"quickstart:64", "vit-b-32:8", "vit-b-32:32"};
        for (String c : cases) {
            String[] p = c.split(":");
            double ips = imagesPerSecond(model(p[0]), Integer.parseInt(p[1]), steps);
            System.out.printf(
                    Locale.ROOT,
                    "%s batch %s: %.1f images/s (%.3f s/step, median of %d, %d cores)%n",
                    p[0],
                    p[1],
                    ips,
                    Integer.parseInt(p[1]) / ips,
                    steps,
                    Runtime.getRuntime().availableProcessors());
        }
    }
}
