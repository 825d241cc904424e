package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.Clip4jException;
import io.clip4j.data.Batch;
import io.clip4j.data.BatchLoader;
import io.clip4j.data.CaptionSource;
import io.clip4j.plot.MetricCurves;
import io.clip4j.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A whole training run over a {@link CaptionSource}, as open_clip's loop: epochs of full batches (the last partial
 * batch is dropped), order reshuffled each epoch from (seed, epoch), the learning rate from the schedule over the
 * total step count, a checkpoint in the output folder at the start, every {@code saveEvery} steps and at the end.
 * A folder that already holds a training state is resumed from its step (model, moments, seed, metrics).
 *
 * <p>Batches come from a {@link BatchLoader} (one batch prepared ahead; order and crops seeded by (seed, epoch,
 * pair), so a resumed run sees the batches the uninterrupted one would have). Optionally: evaluation
 * ({@link TrainingEvaluation}) before the first step, every {@code evalEvery} steps and at the end; a time budget
 * ({@code maxSeconds}): one warmup and one cosine over the budget ({@link RunSchedule}), the run stops when it is
 * spent. {@code metrics.csv} (step, loss, lr,
 * images_per_s, eval metrics) and {@code curves.png} are rewritten with every checkpoint.
 *
 * <p>A NaN or infinite loss stops the run: the folder keeps the last checkpoint (there always is one: the start is
 * saved), and a {@link Clip4jException} names the step.
 */
public final class TrainingRun {
    public static final String METRICS_CSV = "metrics.csv";
    public static final String CURVES_PNG = "curves.png";
    /** train_state.json's field with the schedule's progress (0..1), which a resumed run continues from. */
    static final String PROGRESS = "schedule_progress";

    static final String OBJECTIVE = "objective";

    /**
     * @param maxSteps   total steps, or -1 for {@code epochs} full passes
     * @param evalEvery  evaluation interval in steps (0: only at the start and the end)
     * @param maxSeconds time budget of this invocation in seconds (0: none)
     */
    public record Settings(
            int batch,
            int epochs,
            long maxSteps,
            double lr,
            int warmup,
            LrSchedule.Kind schedule,
            double weightDecay,
            boolean shuffle,
            boolean augment,
            boolean lockImage,
            long seed,
            long saveEvery,
            long evalEvery,
            double maxSeconds) {
        public Settings(
                int batch,
                int epochs,
                long maxSteps,
                double lr,
                int warmup,
                LrSchedule.Kind schedule,
                double weightDecay,
                boolean shuffle,
                boolean augment,
                boolean lockImage,
                long seed,
                long saveEvery) {
            this(
                    batch,
                    epochs,
                    maxSteps,
                    lr,
                    warmup,
                    schedule,
                    weightDecay,
                    shuffle,
                    augment,
                    lockImage,
                    seed,
                    saveEvery,
                    0,
                    0);
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
    public record Result(
            long steps,
            List<Float> losses,
            Path out,
            Map<String, Double> metrics,
            MetricCurves curves,
            double seconds) {
        public Result(long steps, List<Float> losses, Path out) {
            this(steps, losses, out, Map.of(), new MetricCurves(), 0);
        }
    }

    private TrainingRun() {}

    public static Result run(
            CaptionSource data,
            Path out,
            Supplier<TrainableClip> initial,
            ClipTokenizer tokenizer,
            Settings s,
            Listener listener) {
        return run(data, out, initial, tokenizer, s, null, listener);
    }

    /**
     * @param initial    the model to start from when {@code out} holds no training state
     * @param evaluation what to measure, or null
     */
    public static Result run(
            CaptionSource data,
            Path out,
            Supplier<TrainableClip> initial,
            ClipTokenizer tokenizer,
            Settings s,
            TrainingEvaluation evaluation,
            Listener listener) {
        return run(data, out, initial, tokenizer, s, evaluation, listener, System::nanoTime);
    }

    /** As above, timed by {@code nanoClock} (tests drive the time budget with their own clock). */
    public static Result run(
            CaptionSource data,
            Path out,
            Supplier<TrainableClip> initial,
            ClipTokenizer tokenizer,
            Settings s,
            TrainingEvaluation evaluation,
            Listener listener,
            LongSupplier nanoClock) {
        return run(data, out, Task.contrastive(initial, s.lockImage()), tokenizer, s, evaluation, listener, nanoClock);
    }

    /**
     * What a run trains: the model to start from when {@code out} holds no training state, the objective (which
     * also says which parameters move), and how the crops are seeded.
     */
    public record Task(Supplier<TrainableClip> initial, Objective objective, BatchLoader.Augmentation augmentation) {
        public static Task contrastive(Supplier<TrainableClip> initial, boolean lockImage) {
            return new Task(initial, new ContrastiveObjective(lockImage), BatchLoader.Augmentation.PER_EPOCH);
        }
    }

    /** The general run: any objective over batches of {@code data}. */
    public static Result run(
            CaptionSource data,
            Path out,
            Task task,
            ClipTokenizer tokenizer,
            Settings s,
            TrainingEvaluation evaluation,
            Listener listener,
            LongSupplier nanoClock) {
        long perEpoch = validate(data, s);
        long total = s.maxSteps() >= 0 ? s.maxSteps() : perEpoch * s.epochs();
        if (total <= 0) throw new Clip4jException("nothing to do: --epochs and --max-steps give 0 steps");
        long t0 = nanoClock.getAsLong();
        RunSchedule.Clock clock = () -> (nanoClock.getAsLong() - t0) / 1e9;
        Invocation run = Invocation.start(out, task, s, total, clock, listener);
        run.evaluation = evaluation == null || evaluation.isEmpty() ? null : evaluation;
        run.tokenizer = tokenizer;
        int res = run.model.config().imageResolution();
        var options = BatchLoader.Options.defaults()
                .withThreads(1)
                .withPrefetch(2)
                .withDropLast(true)
                .withContextLength(run.model.config().contextLength())
                .withAugmentation(task.augmentation());
        try (BatchLoader loader = new BatchLoader(
                data,
                tokenizer,
                res,
                run.model.config().mean(),
                run.model.config().std(),
                s.batch(),
                s.shuffle(),
                s.augment(),
                run.seed,
                options)) {
            run.train(loader, perEpoch);
        }
        return new Result(run.step, run.losses, out, run.lastMetrics, run.curves, clock.seconds());
    }

    /** Checks the settings against the data; the number of full batches per epoch. */
    private static long validate(CaptionSource data, Settings s) {
        if (s.batch() < 2) throw new Clip4jException("--batch must be at least 2 (contrastive loss), got " + s.batch());
        if (data.size() < s.batch())
            throw new Clip4jException("the data has " + data.size() + " pairs, fewer than one batch of " + s.batch());
        if (s.evalEvery() < 0) throw new Clip4jException("--eval-every must be >= 0, got " + s.evalEvery());
        if (!(s.maxSeconds() >= 0))
            throw new Clip4jException("the time budget must be >= 0 seconds, got " + s.maxSeconds());
        return data.size() / s.batch();
    }

    /** One invocation of a run: the model, its optimizer and schedule, and what has been recorded so far. */
    private static final class Invocation {
        final Path out;
        final Settings s;
        final TrainableClip model;
        final ClipTrainer trainer;
        final RunSchedule schedule;
        final RunSchedule.Clock clock;
        final Listener listener;
        final long seed;
        final long first;
        final MetricCurves curves;
        final List<Float> losses = new ArrayList<>();
        TrainingEvaluation evaluation;
        ClipTokenizer tokenizer;
        Map<String, Double> lastMetrics = new LinkedHashMap<>();
        long step;
        long savedStep;
        long evaluatedAt = -1;
        double evalSeconds;
        int skippedSeen;
        long perEpoch = 1;

        private Invocation(
                Path out,
                Settings s,
                TrainableClip model,
                ClipTrainer trainer,
                RunSchedule schedule,
                RunSchedule.Clock clock,
                Listener listener,
                long seed,
                MetricCurves curves) {
            this.out = out;
            this.s = s;
            this.model = model;
            this.trainer = trainer;
            this.schedule = schedule;
            this.clock = clock;
            this.listener = listener;
            this.seed = seed;
            this.curves = curves;
            this.first = trainer.stepCount();
            this.step = first;
            this.savedStep = first;
        }

        /** A new run (saved at step 0), or the one saved in {@code out}, resumed. */
        static Invocation start(
                Path out, Task task, Settings s, long total, RunSchedule.Clock clock, Listener listener) {
            boolean resume = TrainCheckpoint.hasState(out);
            long seed = s.seed();
            double progress = 0;
            TrainableClip model;
            if (resume) {
                JsonNode st = TrainCheckpoint.readState(out);
                seed = st.path("seed").asLong(seed);
                progress = st.path(PROGRESS).asDouble(0);
                if (st.path("lock_image").asBoolean(false) != s.lockImage()) {
                    throw new Clip4jException(
                            out + ": the saved run was " + (s.lockImage() ? "not " : "") + "started with --lock-image");
                }
                String objective = st.path(OBJECTIVE).asText(new ContrastiveObjective(s.lockImage()).name());
                if (!objective.equals(task.objective().name())) {
                    throw new Clip4jException(out + ": the saved run trains '" + objective + "', not '"
                            + task.objective().name() + "'");
                }
                model = TrainCheckpoint.loadModel(out);
            } else {
                model = task.initial().get();
            }
            AdamW opt = new AdamW(
                    model.parameters(),
                    AdamW.DEFAULT_BETA1,
                    AdamW.DEFAULT_BETA2,
                    AdamW.DEFAULT_EPS,
                    s.weightDecay(),
                    task.objective().trainable());
            MetricCurves curves = new MetricCurves("step");
            if (resume) {
                TrainCheckpoint.restoreOptimizer(out, opt);
                if (opt.stepCount() >= total) {
                    throw new Clip4jException(out + ": the saved run is already at step " + opt.stepCount() + " of "
                            + total + "; raise --max-steps/--epochs or use another --out");
                }
                curves = RunFiles.readCurves(out, opt.stepCount());
                listener.resumed(out, opt.stepCount());
            }
            LrSchedule steps = new LrSchedule(s.schedule(), s.lr(), s.warmup(), total);
            var trainer = new ClipTrainer(model, opt, steps, task.objective());
            var schedule = new RunSchedule(steps, s.maxSeconds(), progress, opt.stepCount(), clock);
            Invocation run = new Invocation(out, s, model, trainer, schedule, clock, listener, seed, curves);
            if (!resume) run.save(0);
            return run;
        }

        void train(BatchLoader loader, long perEpoch) {
            this.perEpoch = perEpoch;
            if (evaluation != null && first == 0) evaluate();
            BatchLoader.Epoch batches = null;
            try {
                while (true) {
                    long epoch = step / perEpoch;
                    if (batches == null || batches.epochNumber() != epoch) {
                        if (batches != null) batches.close();
                        batches = loader.epoch((int) epoch, (int) (step % perEpoch));
                    }
                    boolean last = trainStep(batches.next(), loader);
                    if (evaluation != null && (last || (s.evalEvery() > 0 && step % s.evalEvery() == 0))) evaluate();
                    if (last) break;
                    if (s.saveEvery() > 0 && step % s.saveEvery() == 0) save(step);
                }
            } finally {
                if (batches != null) batches.close();
            }
            save(step);
        }

        /** Runs one step and reports it; whether it was the invocation's last. */
        private boolean trainStep(Batch b, BatchLoader loader) {
            List<BatchLoader.Skipped> skipped = loader.skipped();
            for (; skippedSeen < skipped.size(); skippedSeen++)
                listener.skipped(
                        skipped.get(skippedSeen).image(),
                        skipped.get(skippedSeen).reason());
            if (b.size() < 2)
                throw new Clip4jException("step " + (step + 1) + ": fewer than 2 readable images in the batch");
            double lr = schedule.lr(step);
            double before = clock.seconds();
            float loss;
            try {
                loss = trainer.step(b, lr);
            } catch (NonFiniteLossException e) {
                RunFiles.writeCurves(out, curves);
                throw new Clip4jException("loss is " + e.loss() + " at step " + (step + 1) + ": training stopped; "
                        + out + " keeps the last good checkpoint (step " + savedStep
                        + "); lower --lr or check the data");
            }
            double now = clock.seconds();
            step++;
            schedule.stepDone(step);
            losses.add(loss);
            curves.add("loss", step, loss);
            curves.add("lr", step, lr);
            curves.add("images_per_s", step, b.size() / Math.max(now - before, 1e-9));
            double trainSeconds = Math.max(now - evalSeconds, 1e-9);
            boolean last = schedule.finished(step);
            listener.step(
                    step - 1,
                    last ? step : schedule.expectedTotal(step),
                    loss,
                    lr,
                    (step - first) * (double) s.batch() / trainSeconds,
                    last ? 0 : schedule.secondsLeft(step));
            return last;
        }

        private void evaluate() {
            if (evaluatedAt == step) return;
            double t0 = clock.seconds();
            lastMetrics = TrainingRun.evaluate(evaluation, model, tokenizer, s.batch(), step, curves, listener);
            evaluatedAt = step;
            evalSeconds += clock.seconds() - t0;
        }

        private void save(long completed) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("epoch", Math.max(0, completed - 1) / perEpoch);
            extra.put("completed_steps", completed);
            extra.put(PROGRESS, schedule.progress());
            extra.put(OBJECTIVE, trainer.objective().name());
            TrainCheckpoint.save(out, trainer, seed, extra);
            savedStep = completed;
            RunFiles.writeCurves(out, curves);
        }
    }

    private static Map<String, Double> evaluate(
            TrainingEvaluation evaluation,
            TrainableClip model,
            ClipTokenizer tokenizer,
            int chunk,
            long step,
            MetricCurves curves,
            Listener listener) {
        Map<String, Double> m = evaluation.evaluate(model, tokenizer, chunk, listener::skipped);
        m.forEach((k, v) -> curves.add(k, step, v));
        listener.evaluated(step, m);
        return m;
    }
}
