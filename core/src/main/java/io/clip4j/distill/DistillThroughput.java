package io.clip4j.distill;

import io.clip4j.api.Clip;
import io.clip4j.data.Batch;
import io.clip4j.data.CaptionSource;
import io.clip4j.train.AdamW;
import io.clip4j.train.ClipTrainer;
import io.clip4j.train.LrSchedule;
import io.clip4j.train.TrainableClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Distillation-step throughput on random pixels, the Java side of {@code scripts/bench-distill-torch.py}: the teacher
 * (a model file, e.g. a random ViT-B/32) on the inference path, the seed's half-width, half-depth student trained
 * against it with {@link DistillLoss} (anchors: the batch's own teacher embeddings), AdamW. Two cases per batch, run
 * step by step in turn so that the machine's drift falls on both alike: the teacher runs on every step (epoch 1), or
 * its embeddings come from the {@link TeacherCache} (later epochs).
 * {@code java -cp ... io.clip4j.distill.DistillThroughput TEACHER [steps] BATCH...}
 */
public final class DistillThroughput {
    private DistillThroughput() {}

    /** Median seconds per step of each case, measured in alternation after one warm-up step each. */
    public record Rates(int batch, double everyStepSeconds, double cachedSeconds) {
        public double everyStepImagesPerSecond() {
            return batch / everyStepSeconds;
        }

        public double cachedImagesPerSecond() {
            return batch / cachedSeconds;
        }
    }

    public static Rates measure(Clip teacher, int batch, int steps) throws IOException {
        Path dir = Files.createTempDirectory("clip4j-distill-bench");
        try (TeacherCache cache = TeacherCache.open(dir.resolve(TeacherCache.FILE), "bench", teacher.embedDim())) {
            Random r = new Random(0);
            int res = teacher.config().imageResolution();
            float[] pixels = new float[batch * 3 * res * res];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextGaussian();
            int[] indices = new int[batch];
            String[] names = new String[batch];
            for (int i = 0; i < batch; i++) {
                indices[i] = i;
                names[i] = "random #" + i;
            }
            Batch b = new Batch(pixels, new int[batch][0], batch, indices, 0);
            ClipTrainer everyStep = trainer(teacher, null, names), cached = trainer(teacher, cache, names);
            double[] te = new double[steps], tc = new double[steps];
            for (int s = -1; s < steps; s++) {
                double e = secondsOf(everyStep, b), c = secondsOf(cached, b);
                if (s >= 0) {
                    te[s] = e;
                    tc[s] = c;
                }
            }
            return new Rates(batch, median(te), median(tc));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    private static ClipTrainer trainer(Clip teacher, TeacherCache cache, String[] names) {
        StudentShape shape = StudentShape.of(Tower.IMAGE, teacher.config(), null, null, null);
        TrainableClip student = StudentModel.build(teacher.checkpoint(), shape, new StudentModel.Init.Inherit());
        var opt = new AdamW(
                student.parameters(),
                AdamW.DEFAULT_BETA1,
                AdamW.DEFAULT_BETA2,
                AdamW.DEFAULT_EPS,
                0.05,
                Tower.IMAGE::owns);
        var images = new TeacherEmbeddings(teacher, cache, 1, new ImageKeys(new NamesOnly(names)));
        var objective = new DistillObjective(
                teacher, Tower.IMAGE, new DistillObjective.LossSettings(4, 2, 10, 1), false, new float[0], images);
        return new ClipTrainer(student, opt, LrSchedule.constant(5e-4), objective);
    }

    private static double secondsOf(ClipTrainer trainer, Batch b) throws IOException {
        long t0 = System.nanoTime();
        trainer.step(b, 5e-4);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** A caption source that only names its images (the keys of the cache); it is never asked for pixels. */
    private record NamesOnly(String[] names) implements CaptionSource {
        @Override
        public int size() {
            return names.length;
        }

        @Override
        public String caption(int i) {
            return "";
        }

        @Override
        public String imageName(int i) {
            return names[i];
        }

        @Override
        public float[] pixels(int i, int resolution, float[] mean, float[] std, Random rng) {
            throw new UnsupportedOperationException("names only");
        }
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        int steps = 3, first = 1;
        if (args.length > 1 && args[1].matches("\\d+") && args.length > 2) {
            steps = Integer.parseInt(args[1]);
            first = 2;
        }
        int[] batches = args.length > first
                ? Arrays.stream(Arrays.copyOfRange(args, first, args.length))
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : new int[] {32};
        try (Clip teacher = Clip.load(model)) {
            for (int b : batches) {
                Rates rates = measure(teacher, b, steps);
                String what = "distill " + teacher.config().openaiName() + " -> half width and depth, batch " + b;
                System.out.printf(
                        Locale.ROOT,
                        "%s, teacher every step: %.1f images/s (%.3f s/step)%n",
                        what,
                        rates.everyStepImagesPerSecond(),
                        rates.everyStepSeconds());
                System.out.printf(
                        Locale.ROOT,
                        "%s, teacher cached: %.1f images/s (%.3f s/step)%n",
                        what,
                        rates.cachedImagesPerSecond(),
                        rates.cachedSeconds());
                System.out.printf(
                        Locale.ROOT,
                        "cached / every step: %.2fx (medians of %d alternating steps each, %d cores)%n",
                        rates.everyStepSeconds() / rates.cachedSeconds(),
                        steps,
                        Runtime.getRuntime().availableProcessors());
            }
        }
    }
}
