package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.Clip4jException;
import io.clip4j.data.CaptionSource;
import io.clip4j.model.ClipConfig;
import io.clip4j.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A whole training run over a {@link CaptionSource}, as open_clip's loop: epochs of full batches (the last partial
 * batch is dropped), order reshuffled each epoch from (seed, epoch), the learning rate from the schedule over the
 * total step count, a checkpoint in the output folder every {@code saveEvery} steps and at the end. A folder that
 * already holds a training state is resumed from its step (model, moments, seed).
 */
public final class TrainingRun {

    /** @param maxSteps total steps, or -1 for {@code epochs} full passes */
    public record Settings(int batch, int epochs, long maxSteps, double lr, int warmup, LrSchedule.Kind schedule,
                           double weightDecay, boolean shuffle, boolean augment, boolean lockImage, long seed,
                           long saveEvery) {}

    /** Receives progress; all calls come from the training thread. */
    public interface Listener {
        void step(long step, long total, float loss, double lr, double imagesPerSecond, double secondsLeft);

        /** The run continues a training state found in {@code out}. */
        default void resumed(Path out, long step) {}

        /** An image that could not be read and was left out of its batch. */
        void skipped(String image, String reason);
    }

    public record Result(long steps, List<Float> losses, Path out) {}

    private TrainingRun() {}

    /**
     * @param initial the model to start from when {@code out} holds no training state
     */
    public static Result run(CaptionSource data, Path out, Supplier<TrainableClip> initial, ClipTokenizer tokenizer,
                             Settings s, Listener listener) {
        if (s.batch() < 2) throw new Clip4jException("--batch must be at least 2 (contrastive loss), got " + s.batch());
        if (data.size() < s.batch()) throw new Clip4jException("the data has " + data.size() + " pairs, fewer than one batch of " + s.batch());
        long perEpoch = data.size() / s.batch();
        long total = s.maxSteps() >= 0 ? s.maxSteps() : perEpoch * s.epochs();
        if (total <= 0) throw new Clip4jException("nothing to do: --epochs and --max-steps give 0 steps");
        LrSchedule schedule = new LrSchedule(s.schedule(), s.lr(), s.warmup(), total);

        boolean resume = TrainCheckpoint.hasState(out);
        long seed = s.seed();
        TrainableClip model;
        if (resume) {
            JsonNode st = TrainCheckpoint.readState(out);
            seed = st.path("seed").asLong(seed);
            if (st.path("lock_image").asBoolean(false) != s.lockImage()) {
                throw new Clip4jException(out + ": the saved run was " + (s.lockImage() ? "not " : "") + "started with --lock-image");
            }
            model = TrainCheckpoint.loadModel(out);
        } else {
            model = initial.get();
        }
        AdamW opt = new AdamW(model.parameters(), AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2, AdamW.DEFAULT_EPS,
                s.weightDecay(), ClipTrainer.trainable(s.lockImage()));
        if (resume) {
            TrainCheckpoint.restoreOptimizer(out, opt);
            if (opt.stepCount() >= total) {
                throw new Clip4jException(out + ": the saved run is already at step " + opt.stepCount() + " of " + total + "; raise --max-steps/--epochs or use another --out");
            }
            listener.resumed(out, opt.stepCount());
        }
        ClipTrainer trainer = new ClipTrainer(model, opt, schedule, s.lockImage());
        ClipConfig c = model.config();
        int res = c.imageResolution(), img = 3 * res * res;
        List<Float> losses = new ArrayList<>();
        int[] order = null;
        long orderEpoch = -1;
        long started = System.nanoTime(), first = trainer.stepCount();
        for (long step = trainer.stepCount(); step < total; step++) {
            long epoch = step / perEpoch;
            if (epoch != orderEpoch) {
                order = order(data.size(), s.shuffle(), seed, epoch);
                orderEpoch = epoch;
            }
            int pos = (int) (step % perEpoch) * s.batch();
            final long stepSeed = seed * 1_000_003L + step * 65_537L;
            float[] pixels = new float[s.batch() * img];
            int[][] tokens = new int[s.batch()][];
            float[][] loaded = new float[s.batch()][];
            String[] errors = new String[s.batch()];
            final int[] ord = order;
            // images decode in parallel (CaptionSource implementations are safe for concurrent readers); each image's
            // augmentation generator depends only on (seed, step, slot), so runs and resumed runs are reproducible
            java.util.stream.IntStream.range(0, s.batch()).parallel().forEach(j -> {
                int i = ord[pos + j];
                try {
                    loaded[j] = data.pixels(i, res, c.mean(), c.std(), s.augment() ? new Random(stepSeed + j) : null);
                } catch (Clip4jException e) {
                    errors[j] = e.getMessage();
                }
            });
            int n = 0;
            for (int j = 0; j < s.batch(); j++) {
                int i = order[pos + j];
                if (loaded[j] == null) {
                    listener.skipped(data.imageName(i), errors[j]);
                    continue;
                }
                System.arraycopy(loaded[j], 0, pixels, n * img, img);
                tokens[n++] = tokenizer.tokenize(data.caption(i), c.contextLength(), true);
            }
            if (n < 2) throw new Clip4jException("step " + step + ": fewer than 2 readable images in the batch");
            float loss = trainer.step(pixels, n == s.batch() ? tokens : java.util.Arrays.copyOf(tokens, n), n);
            losses.add(loss);
            double secs = (System.nanoTime() - started) / 1e9;
            long done = step + 1 - first;
            double ips = done * s.batch() / Math.max(secs, 1e-9);
            listener.step(step, total, loss, trainer.lastLr(), ips, secs / done * (total - step - 1));
            if (s.saveEvery() > 0 && (step + 1) % s.saveEvery() == 0 && step + 1 < total) save(out, trainer, seed, epoch, step + 1);
        }
        save(out, trainer, seed, (total - 1) / perEpoch, total);
        return new Result(total, losses, out);
    }

    private static void save(Path out, ClipTrainer trainer, long seed, long epoch, long step) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("epoch", epoch);
        extra.put("completed_steps", step);
        TrainCheckpoint.save(out, trainer, seed, extra);
    }

    /** Epoch {@code epoch}'s order of the pairs: identity, or a Fisher-Yates shuffle seeded by (seed, epoch). */
    static int[] order(int n, boolean shuffle, long seed, long epoch) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i;
        if (!shuffle) return o;
        Random r = new Random(seed * 7919L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }
}
