package io.clip4j.bench;

import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.kernels.Kernels;
import io.clip4j.model.ClipConfig;
import io.clip4j.model.ClipModel;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Images/s of a random-weight RN50 image tower (OpenAI's ModifiedResNet: layers 3-4-6-3, width 64, 224 px) on
 * synthetic pixels, through {@link ClipModel#encodeImages}. No checkpoint needed: the weights are drawn for the
 * names and shapes the loader expects. Usage: ResNetThroughput [BATCH] [SECONDS]. Run it with the JVM flags of
 * {@code ./clip4j} (e.g. -XX:MaxNewSize=32m -XX:ParallelGCThreads=1) to see their effect on speed and memory.
 */
public final class ResNetThroughput {
    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        ClipConfig c = new ClipConfig(1024, 224, new int[] {3, 4, 6, 3}, 64, 0, 32, 77, 49408, 512, 8, 12, true,
                ClipConfig.OPENAI_MEAN, ClipConfig.OPENAI_STD);
        Random r = new Random(0);
        Map<String, Tensor> w = new HashMap<>();
        for (var e : ExpectedTensors.of(c).entrySet()) {
            int n = 1;
            for (int d : e.getValue()) n *= d;
            float[] v = new float[n];
            boolean variance = e.getKey().endsWith("running_var");  // BatchNorm variances must be positive
            for (int i = 0; i < n; i++) v[i] = variance ? 1f : (float) (r.nextGaussian() * 0.02);
            w.put(e.getKey(), Tensor.ofFloats(e.getKey(), e.getValue(), v));
        }
        ClipModel model = new ClipModel(c, w, Arena.ofAuto(), Kernels.best(), false);
        float[] pixels = new float[batch * 3 * 224 * 224];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) Math.sin(i * 0.001);
        for (int i = 0; i < 3; i++) model.encodeImages(pixels, batch, null);
        long t0 = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - t0 < seconds * 1e9 || calls < 2) {
            model.encodeImages(pixels, batch, null);
            calls++;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "RN50 image batch %d: %.2f images/s (%d calls in %.1f s)%n", batch, calls * batch / s, calls, s);
    }
}
