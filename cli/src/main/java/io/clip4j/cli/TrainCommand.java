package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.Durations;
import io.clip4j.ErrorLines;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.model.ClipConfig;
import io.clip4j.probe.ClassFolders;
import io.clip4j.tokenizer.ClipTokenizer;
import io.clip4j.train.ConfigFit;
import io.clip4j.train.LrSchedule;
import io.clip4j.train.ModelConfigFile;
import io.clip4j.train.TrainCheckpoint;
import io.clip4j.train.TrainableClip;
import io.clip4j.train.TrainingEvaluation;
import io.clip4j.train.TrainingRun;
import io.clip4j.zeroshot.PromptTemplates;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clip4j train}: contrastive training (fine-tuning or from scratch) of a ViT CLIP in pure Java. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a ViT CLIP on image-caption pairs with open_clip's loss, AdamW and learning-rate schedules. "
                    + "The data is open_clip's CSV/TSV: a header row, columns filepath and title, paths relative to the file. "
                    + "Checkpoints (an open_clip folder with the optimizer state), metrics.csv and curves.png go to --out; "
                    + "an --out that holds a state is resumed.",
            "JSON: {\"out\",\"steps\",\"losses\",\"metrics\",\"skipped_rows\",\"seconds\"}."
        })
public final class TrainCommand implements Callable<Integer> {
    /** open_clip's default warmup. */
    static final int DEFAULT_WARMUP = 10_000;

    /** Row problems printed one per line; beyond, a summary line. */
    static final int MAX_PROBLEM_LINES = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "CSV",
            description = "Training pairs: open_clip CSV/TSV with a header row.")
    Path data;

    @Option(
            names = "--csv-img-key",
            defaultValue = "filepath",
            paramLabel = "COLUMN",
            description = "Image path column (default: ${DEFAULT-VALUE}).")
    String imgKey;

    @Option(
            names = "--csv-caption-key",
            defaultValue = "title",
            paramLabel = "COLUMN",
            description = "Caption column (default: ${DEFAULT-VALUE}).")
    String captionKey;

    @Option(
            names = "--csv-separator",
            paramLabel = "SEP",
            description = "Field separator: one character, or 'tab' (default: tab for .tsv files, else ',').")
    String separator;

    @Option(names = "--init", paramLabel = "PATH", description = "Fine-tune this checkpoint (any format clip4j loads).")
    Path init;

    @Option(
            names = "--model-config",
            paramLabel = "FILE",
            description =
                    "Train from scratch: open_clip model config JSON (or an open_clip_config.json); with --init, checked against it.")
    Path modelConfig;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Output folder (checkpoints, training state, metrics).")
    Path out;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            paramLabel = "E",
            description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--max-steps",
            defaultValue = "-1",
            paramLabel = "N",
            description = "Total steps (overrides --epochs).")
    long maxSteps;

    @Option(
            names = "--max-seconds",
            defaultValue = "0",
            paramLabel = "S",
            description = "Time budget: as many steps as fit (the schedule adapts); 0 = none.")
    double maxSeconds;

    @Option(
            names = "--batch",
            defaultValue = "32",
            paramLabel = "N",
            description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "5e-4",
            paramLabel = "RATE",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--warmup",
            paramLabel = "STEPS",
            description =
                    "Linear warmup steps (default: open_clip's 10000, or a tenth of the run when that is shorter).")
    Integer warmup;

    @Option(
            names = "--schedule",
            defaultValue = "cosine",
            paramLabel = "cosine|const",
            description = "After warmup (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(
            names = "--wd",
            defaultValue = "0.2",
            paramLabel = "DECAY",
            description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double wd;

    @Option(names = "--no-shuffle", description = "Keep the file order.")
    boolean noShuffle;

    @Option(
            names = "--no-augment",
            description = "Evaluation preprocessing instead of random resized crops (scale 0.9-1).")
    boolean noAugment;

    @Option(names = "--lock-image", description = "LiT: freeze the image tower; train the text tower only.")
    boolean lockImage;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "N",
            description = "Seed for shuffling, augmentation and from-scratch init (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--save-every",
            defaultValue = "1000",
            paramLabel = "STEPS",
            description = "Checkpoint interval; 0 = at the end only (default: ${DEFAULT-VALUE}).")
    long saveEvery;

    @Option(
            names = "--val",
            paramLabel = "CSV",
            description = "Validation pairs (same format and --csv-* options): image<->text retrieval R@1/5/10.")
    Path val;

    @Option(
            names = "--zeroshot",
            paramLabel = "DIR",
            description = "Class folders (class name = folder name): zero-shot top-1.")
    Path zeroshot;

    @Option(
            names = "--templates",
            paramLabel = "NAME|FILE|'... {} ...'",
            defaultValue = "simple",
            description = "Prompt templates for --zeroshot, as in classify (default: ${DEFAULT-VALUE}).")
    String templates;

    @Option(
            names = "--eval-every",
            defaultValue = "500",
            paramLabel = "STEPS",
            description =
                    "Evaluation interval (also at the start and the end); 0 = start and end only (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Override
    public Integer call() {
        if (epochs < 1 && maxSteps < 0) throw new Clip4jException("--epochs must be >= 1, got " + epochs);
        if (!(wd >= 0)) throw new Clip4jException("--wd must be >= 0, got " + wd);
        if (saveEvery < 0) throw new Clip4jException("--save-every must be >= 0, got " + saveEvery);
        if (!(maxSeconds >= 0)) throw new Clip4jException("--max-seconds must be >= 0, got " + maxSeconds);
        var kind = LrSchedule.parseKind(schedule);
        boolean resume = TrainCheckpoint.hasState(out);
        if (!resume && init == null && modelConfig == null) {
            throw new Clip4jException(
                    "--init or --model-config is required (or an --out folder holding a training state)");
        }
        ClipConfig wanted = modelConfig == null ? null : ModelConfigFile.read(modelConfig);
        checkFit(resume, wanted);
        PrintWriter err = spec.commandLine().getErr();
        var csv = new CsvCaptionSource.Options(imgKey, captionKey, parseSeparator(separator));
        List<Integer> skippedRows = new ArrayList<>();
        CsvCaptionSource source = load(data, csv, err, skippedRows);
        TrainingEvaluation evaluation = null;
        if (val != null || zeroshot != null) {
            evaluation = new TrainingEvaluation(
                    val == null ? null : load(val, csv, err, skippedRows),
                    zeroshot == null ? null : ClassFolders.scan(zeroshot),
                    PromptTemplates.resolve(templates));
        }
        ClipTokenizer tokenizer = ClipTokenizer.openai();
        long runSteps = maxSteps >= 0 ? maxSteps : (long) (source.size() / Math.max(1, batch)) * epochs;
        int warmupSteps = warmup != null ? warmup : (int) Math.min(DEFAULT_WARMUP, Math.max(1, runSteps / 10));
        if (warmup != null && warmup > runSteps && runSteps > 0) {
            err.println("clip4j: warning: --warmup " + warmup + " is longer than the run (" + runSteps
                    + " steps): the learning rate stays below --lr " + lr + " throughout");
            err.flush();
        }
        var settings = new TrainingRun.Settings(
                batch,
                epochs,
                maxSteps,
                lr,
                warmupSteps,
                kind,
                wd,
                !noShuffle,
                !noAugment,
                lockImage,
                seed,
                saveEvery,
                evalEvery,
                maxSeconds);
        var bar = new Bar(err);
        TrainingRun.Result r;
        try {
            r = TrainingRun.run(
                    source,
                    out,
                    () -> {
                        if (init != null) {
                            try (Checkpoint c = CheckpointLoader.load(init)) {
                                return TrainableClip.fromCheckpoint(c);
                            }
                        }
                        return TrainableClip.fromScratch(wanted, seed);
                    },
                    tokenizer,
                    settings,
                    evaluation,
                    bar);
        } finally {
            bar.finish();
        }
        PrintWriter o = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", out.toString());
            m.put("steps", r.steps());
            m.put("losses", new ArrayList<>(r.losses()));
            m.put("metrics", r.metrics());
            m.put(
                    "skipped_rows",
                    skippedRows.stream().mapToInt(Integer::intValue).sum());
            m.put("seconds", r.seconds());
            OutputOptions.printJson(o, m);
        } else {
            List<Float> l = r.losses();
            o.println("saved " + out + " (step " + r.steps() + (l.isEmpty() ? "" : ", last loss " + l.get(l.size() - 1))
                    + ")");
            if (!r.metrics().isEmpty()) o.println("final " + Bar.metrics(r.metrics()));
        }
        o.flush();
        return 0;
    }

    /** --model-config against --init's weights, and both against a folder being resumed. */
    private void checkFit(boolean resume, ClipConfig wanted) {
        ClipConfig initConfig = null;
        if (init != null && (wanted != null || resume)) {
            try (Checkpoint c = CheckpointLoader.load(init)) {
                initConfig = c.config();
            }
        }
        if (wanted != null && initConfig != null) {
            mismatch(
                    ConfigFit.differences(wanted, initConfig),
                    "--model-config " + modelConfig + " does not fit --init " + init);
        }
        if (resume) {
            ClipConfig saved = ModelConfigFile.read(out.resolve(TrainCheckpoint.CONFIG_FILE));
            if (wanted != null)
                mismatch(
                        ConfigFit.differences(wanted, saved),
                        "--model-config " + modelConfig + " does not fit the run saved in " + out);
            if (initConfig != null)
                mismatch(
                        ConfigFit.differences(initConfig, saved),
                        "--init " + init + " does not fit the run saved in " + out);
        }
    }

    private static void mismatch(List<String> diffs, String what) {
        if (!diffs.isEmpty()) throw new Clip4jException(what + ": " + String.join(", ", diffs));
    }

    static Character parseSeparator(String s) {
        if (s == null) return null;
        if (s.equalsIgnoreCase("tab") || s.equals("\\t")) return '\t';
        if (s.length() != 1)
            throw new Clip4jException("--csv-separator must be one character or 'tab', got '" + s + "'");
        return s.charAt(0);
    }

    /** Loads a CSV/TSV, printing its skipped rows (up to {@link #MAX_PROBLEM_LINES}, then a summary). */
    static CsvCaptionSource load(Path file, CsvCaptionSource.Options options, PrintWriter err, List<Integer> skipped) {
        int[] count = {0};
        CsvCaptionSource s = CsvCaptionSource.load(file, options, line -> {
            if (++count[0] <= MAX_PROBLEM_LINES) err.println("clip4j: " + ErrorLines.oneLine(line));
        });
        if (count[0] > MAX_PROBLEM_LINES) {
            err.println("clip4j: " + file + ": " + (count[0] - MAX_PROBLEM_LINES) + " more rows skipped ("
                    + s.malformedRows() + " malformed, " + s.missingImages() + " with a missing image file in all)");
        }
        err.flush();
        skipped.add(count[0]);
        if (s.size() == 0) throw new Clip4jException(file + ": no usable image-caption rows");
        return s;
    }

    /** One self-overwriting progress line on stderr; one line per evaluation. */
    static final class Bar implements TrainingRun.Listener {
        private final PrintWriter err;
        private boolean drawn;

        Bar(PrintWriter err) {
            this.err = err;
        }

        /** A terminal gets one line redrawn in place; a log file gets a plain line every 10 s (and the last step). */
        private final boolean terminal =
                System.console() != null && System.console().isTerminal();

        private long lastPlain;

        @Override
        public void step(long step, long total, float loss, double lr, double ips, double left) {
            int width = 24, filled = (int) Math.min(width, width * (step + 1) / total);
            String text = String.format(
                    Locale.ROOT,
                    "[%s%s] %d/%d loss %.4f lr %.2e %.1f img/s ETA %s",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    step + 1,
                    total,
                    loss,
                    lr,
                    ips,
                    eta(left));
            if (terminal) {
                err.print("\r" + text + " ");
                drawn = true;
            } else {
                long now = System.nanoTime();
                if (step == 0 || step + 1 >= total || now - lastPlain >= 10_000_000_000L) {
                    err.println(text);
                    lastPlain = now;
                }
            }
            err.flush();
        }

        @Override
        public void resumed(Path out, long step) {
            err.println("clip4j: resuming " + out + " at step " + step);
        }

        @Override
        public void skipped(String image, String reason) {
            line("clip4j: skipped " + ErrorLines.oneLine(reason));
        }

        @Override
        public void evaluated(long step, Map<String, Double> metrics) {
            line("clip4j: eval step " + step + ": " + metrics(metrics));
        }

        private void line(String s) {
            if (drawn) err.println();
            err.println(s);
            err.flush();
            drawn = false;
        }

        static String metrics(Map<String, Double> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(k + " " + String.format(Locale.ROOT, "%.4f", v)));
            return String.join(", ", parts);
        }

        void finish() {
            if (drawn) err.println();
            err.flush();
            drawn = false;
        }

        static String eta(double s) {
            return Durations.format(s);
        }
    }
}
