package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.Clip4jException;
import io.clip4j.data.CaptionSource;
import io.clip4j.model.ClipConfig;
import io.clip4j.plot.MetricCurves;
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
 * total step count, a checkpoint in the output folder at the start, every {@code saveEvery} steps and at the end.
 * A folder that already holds a training state is resumed from its step (model, moments, seed, metrics).
 *
 * <p>Optionally: evaluation ({@link TrainingEvaluation}) before the first step, every {@code evalEvery} steps and at
 * the end; a time budget ({@code maxSeconds}: the schedule's length is re-estimated from the measured speed so that
 * the cosine ends with the budget, and the run stops when it is spent). {@code metrics.csv} (step, loss, lr,
 * images_per_s, eval metrics) and {@code curves.png} are rewritten with every checkpoint.
 *
 * <p>A NaN or infinite loss stops the run: the folder keeps the last checkpoint (there always is one: the start is
 * saved), and a {@link Clip4jException} names the step.
 */
public final class TrainingRun {
    public static final String METRICS_CSV = "metrics.csv";
    public static final String CURVES_PNG = "curves.png";

    /**
     * @param maxSteps   total steps, or -1 for {@code epochs} full passes
     * @param evalEvery  evaluation interval in steps (0: only at the start and the end)
     * @param maxSeconds time budget of this invocation in seconds (0: none)
     */
    public record Settings(int batch, int epochs, long maxSteps, double lr, int warmup, LrSchedule.Kind schedule,
                           double weightDecay, boolean shuffle, boolean augment, boolean lockImage, long seed,
                           long saveEvery, long evalEvery, double maxSeconds) {
        public Settings(int batch, int epochs, long maxSteps, double lr, int warmup, LrSchedule.Kind schedule,
                        double weightDecay, boolean shuffle, boolean augment, boolean lockImage, long seed, long saveEvery) {
            this(batch, epochs, maxSteps, lr, warmup, schedule, weightDecay, shuffle, augment, lockImage, seed, saveEvery, 0, 0);
        }
    }

    /** Receives progress; all calls come from the training thread. */
    public interface Listener {
        void step(long step, long total, float loss, double lr, double imagesPerSecond, double secondsLeft);

        /** The run continues a training state found in {@code out}. */
        default void resumed(Path out, long step) {}

        /** An image that could not be read and was left out of its batch. */
        void skipped(String image, String reason);

        /** Evaluation results after {@code step} completed steps. */
        default void evaluated(long step, Map<String, Double> metrics) {}
    }

    /**
     * @param metrics the last evaluation (empty without one)
     * @param seconds wall time of this invocation
     */
    public record Result(long steps, List<Float> losses, Path out, Map<String, Double> metrics, MetricCurves curves,
                         double seconds) {
        public Result(long steps, List<Float> losses, Path out) {
            this(steps, losses, out, Map.of(), new MetricCurves(), 0);
        }
    }

    private TrainingRun() {}

    public static Result run(CaptionSource data, Path out, Supplier<TrainableClip> initial, ClipTokenizer tokenizer,
                             Settings s, Listener listener) {
        return run(data, out, initial, tokenizer, s, null, listener);
    }

    /**
     * @param initial    the model to start from when {@code out} holds no training state
     * @param evaluation what to measure, or null
     */
    public static Result run(CaptionSource data, Path out, Supplier<TrainableClip> initial, ClipTokenizer tokenizer,
                             Settings s, TrainingEvaluation evaluation, Listener listener) {
        if (s.batch() < 2) throw new Clip4jException("--batch must be at least 2 (contrastive loss), got " + s.batch());
        if (data.size() < s.batch()) throw new Clip4jException("the data has " + data.size() + " pairs, fewer than one batch of " + s.batch());
        if (s.evalEvery() < 0) throw new Clip4jException("--eval-every must be >= 0, got " + s.evalEvery());
        if (!(s.maxSeconds() >= 0)) throw new Clip4jException("the time budget must be >= 0 seconds, got " + s.maxSeconds());
        long perEpoch = data.size() / s.batch();
        long total = s.maxSteps() >= 0 ? s.maxSteps() : perEpoch * s.epochs();
        if (total <= 0) throw new Clip4jException("nothing to do: --epochs and --max-steps give 0 steps");
        if (evaluation != null && evaluation.isEmpty()) evaluation = null;

        long started = System.nanoTime();
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
        MetricCurves curves = new MetricCurves("step");
        if (resume) {
            TrainCheckpoint.restoreOptimizer(out, opt);
            if (opt.stepCount() >= total) {
                throw new Clip4jException(out + ": the saved run is already at step " + opt.stepCount() + " of " + total + "; raise --max-steps/--epochs or use another --out");
            }
            curves = RunFiles.readCurves(out, opt.stepCount());
            listener.resumed(out, opt.stepCount());
        }
        ClipTrainer trainer = new ClipTrainer(model, opt, new LrSchedule(s.schedule(), s.lr(), s.warmup(), total), s.lockImage());
        ClipConfig c = model.config();
        int res = c.imageResolution(), img = 3 * res * res;
        List<Float> losses = new ArrayList<>();
        Map<String, Double> lastMetrics = new LinkedHashMap<>();
        long savedStep = resume ? opt.stepCount() : -1;
        if (!resume) {
            save(out, trainer, seed, 0, 0);
            savedStep = 0;
        }
        final long runSeed = seed;
        double evalSeconds = 0;
        long evaluatedAt = -1;
        if (evaluation != null && !resume) {
            long t0 = System.nanoTime();
            lastMetrics = evaluate(evaluation, model, tokenizer, s.batch(), 0, curves, listener);
            evaluatedAt = 0;
            evalSeconds += (System.nanoTime() - t0) / 1e9;
        }
        int[] order = null;
        long orderEpoch = -1;
        long first = trainer.stepCount();
        final long hardTotal = total;
        double nextEstimate = 0, markTime = 0;
        long markStep = trainer.stepCount();
        long step = trainer.stepCount();
        for (; step < total; step++) {
            long epoch = step / perEpoch;
            if (epoch != orderEpoch) {
                order = order(data.size(), s.shuffle(), seed, epoch);
                orderEpoch = epoch;
            }
            int pos = (int) (step % perEpoch) * s.batch();
            long stepStart = System.nanoTime();
            float[] pixels = new float[s.batch() * img];
            int[][] tokens = new int[s.batch()][];
            float[][] loaded = new float[s.batch()][];
            String[] errors = new String[s.batch()];
            final int[] ord = order;
            final long ep = epoch;
            // images decode in parallel (CaptionSource implementations are safe for concurrent readers); an image's
            // augmentation generator depends only on (seed, epoch, pair index): runs and resumed runs are reproducible
            // and an image is cropped alike whatever batch it lands in
            java.util.stream.IntStream.range(0, s.batch()).parallel().forEach(j -> {
                int i = ord[pos + j];
                try {
                    loaded[j] = data.pixels(i, res, c.mean(), c.std(), s.augment() ? augmentation(runSeed, ep, i) : null);
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
            if (n < 2) throw new Clip4jException("step " + (step + 1) + ": fewer than 2 readable images in the batch");
            float loss;
            try {
                loss = trainer.step(pixels, n == s.batch() ? tokens : java.util.Arrays.copyOf(tokens, n), n);
            } catch (NonFiniteLossException e) {
                RunFiles.writeCurves(out, curves);
                throw new Clip4jException("loss is " + e.loss() + " at step " + (step + 1)
                        + ": training stopped; " + out + " keeps the last good checkpoint (step " + savedStep
                        + "); lower --lr or check the data");
            }
            losses.add(loss);
            double now = (System.nanoTime() - started) / 1e9;
            double stepSecs = (System.nanoTime() - stepStart) / 1e9;
            curves.add("loss", step + 1, loss);
            curves.add("lr", step + 1, trainer.lastLr());
            curves.add("images_per_s", step + 1, n / Math.max(stepSecs, 1e-9));
            long done = step + 1 - first;
            double stepLr = trainer.lastLr(); // the rate this step used (a re-estimated schedule starts a new trainer)
            double trainSecs = Math.max(now - evalSeconds, 1e-9);
            if (s.maxSeconds() > 0 && done >= 3 && step + 1 < hardTotal && (now >= nextEstimate || step + 1 >= total)) {
                // as many steps as fit: stretch or shrink the schedule to the pace since the last estimate (evaluations
                // included; the first steps, slow while the JIT compiles, only count until there is a later pace)
                double pace = step + 1 > markStep ? (now - markTime) / (step + 1 - markStep) : now / done;
                long fit = step + 1 + (long) Math.max(0, (s.maxSeconds() - now) / pace);
                long newTotal = Math.min(hardTotal, Math.max(step + 2, fit));
                if (newTotal != total) {
                    total = newTotal;
                    trainer = new ClipTrainer(model, opt, new LrSchedule(s.schedule(), s.lr(), s.warmup(), total), s.lockImage());
                }
                markStep = step + 1;
                markTime = now;
                nextEstimate = now + s.maxSeconds() * 0.1;
            }
            listener.step(step, total, loss, stepLr, done * (double) s.batch() / trainSecs, now / done * (total - step - 1));
            boolean last = step + 1 >= total || (s.maxSeconds() > 0 && now >= s.maxSeconds());
            if (evaluation != null && (last || (s.evalEvery() > 0 && (step + 1) % s.evalEvery() == 0))) {
                long t0 = System.nanoTime();
                lastMetrics = evaluate(evaluation, model, tokenizer, s.batch(), step + 1, curves, listener);
                evaluatedAt = step + 1;
                evalSeconds += (System.nanoTime() - t0) / 1e9;
            }
            if (last) {
                step++;
                break;
            }
            if (s.saveEvery() > 0 && (step + 1) % s.saveEvery() == 0) {
                save(out, trainer, seed, epoch, step + 1);
                savedStep = step + 1;
                RunFiles.writeCurves(out, curves);
            }
        }
        long steps = step;
        if (evaluation != null && evaluatedAt != steps && steps > first) {
            lastMetrics = evaluate(evaluation, model, tokenizer, s.batch(), steps, curves, listener);
        }
        save(out, trainer, seed, (steps - 1) / perEpoch, steps);
        RunFiles.writeCurves(out, curves);
        return new Result(steps, losses, out, lastMetrics, curves, (System.nanoTime() - started) / 1e9);
    }

    private static Map<String, Double> evaluate(TrainingEvaluation evaluation, TrainableClip model, ClipTokenizer tokenizer,
                                                int chunk, long step, MetricCurves curves, Listener listener) {
        Map<String, Double> m = evaluation.evaluate(model, tokenizer, chunk, listener::skipped);
        m.forEach((k, v) -> curves.add(k, step, v));
        listener.evaluated(step, m);
        return m;
    }

    /** The augmentation generator of pair {@code index} in {@code epoch}: SplitMix64 of the three. */
    static Random augmentation(long seed, long epoch, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xD1B54A32D192ED03L + index * 0x8CB92BA72F3D8DD7L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
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
