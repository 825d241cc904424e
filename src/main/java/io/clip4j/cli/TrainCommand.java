package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.data.CaptionSource;
import io.clip4j.tokenizer.ClipTokenizer;
import io.clip4j.train.LrSchedule;
import io.clip4j.train.ModelConfigFile;
import io.clip4j.train.TrainableClip;
import io.clip4j.train.TrainingRun;
import io.clip4j.train.TsvCaptionSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clip4j train}: contrastive training (fine-tuning or from scratch) of a ViT CLIP in pure Java. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a ViT CLIP on image-caption pairs with open_clip's loss, AdamW and LR schedules.",
                "Checkpoints (an open_clip folder + optimizer state) go to --out; an --out that holds a state is resumed.",
                "JSON: {\"out\",\"steps\",\"losses\"}."})
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(names = "--data", required = true, paramLabel = "TSV", description = "image<TAB>caption lines, paths relative to the file.")
    Path data;

    static final class Start {
        @Option(names = "--init", paramLabel = "PATH", description = "Fine-tune this checkpoint (any format clip4j loads).")
        Path init;

        @Option(names = "--model-config", paramLabel = "FILE", description = "Train from scratch: open_clip model config JSON (or an open_clip_config.json).")
        Path modelConfig;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Start start = new Start();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (checkpoints, training state).")
    Path out;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "-1", paramLabel = "N", description = "Total steps (overrides --epochs).")
    long maxSteps;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", defaultValue = "10000", paramLabel = "STEPS", description = "Linear warmup steps (default: ${DEFAULT-VALUE}, as open_clip).")
    int warmup;

    @Option(names = "--schedule", defaultValue = "cosine", paramLabel = "cosine|const", description = "After warmup (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--wd", defaultValue = "0.2", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double wd;

    @Option(names = "--no-shuffle", description = "Keep the file order.")
    boolean noShuffle;

    @Option(names = "--no-augment", description = "Evaluation preprocessing instead of random resized crops.")
    boolean noAugment;

    @Option(names = "--lock-image", description = "LiT: freeze the image tower; train the text tower only.")
    boolean lockImage;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for shuffling, augmentation and from-scratch init (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--save-every", defaultValue = "1000", paramLabel = "STEPS", description = "Checkpoint interval; 0 = at the end only (default: ${DEFAULT-VALUE}).")
    long saveEvery;

    @Override
    public Integer call() {
        if (epochs < 1 && maxSteps < 0) throw new Clip4jException("--epochs must be >= 1, got " + epochs);
        if (!(wd >= 0)) throw new Clip4jException("--wd must be >= 0, got " + wd);
        if (saveEvery < 0) throw new Clip4jException("--save-every must be >= 0, got " + saveEvery);
        var kind = LrSchedule.parseKind(schedule);
        boolean resume = io.clip4j.train.TrainCheckpoint.hasState(out);
        if (!resume && start.init == null && start.modelConfig == null) {
            throw new Clip4jException("--init or --model-config is required (or an --out folder holding a training state)");
        }
        CaptionSource source = new TsvCaptionSource(data);
        ClipTokenizer tokenizer = ClipTokenizer.openai();
        var settings = new TrainingRun.Settings(batch, epochs, maxSteps, lr, warmup, kind, wd, !noShuffle, !noAugment,
                lockImage, seed, saveEvery);
        PrintWriter err = spec.commandLine().getErr();
        var bar = new Bar(err);
        TrainingRun.Result r = TrainingRun.run(source, out, () -> {
            if (start.init != null) {
                try (Checkpoint c = CheckpointLoader.load(start.init)) {
                    return TrainableClip.fromCheckpoint(c);
                }
            }
            return TrainableClip.fromScratch(ModelConfigFile.read(start.modelConfig), seed);
        }, tokenizer, settings, bar);
        bar.finish();
        PrintWriter o = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", out.toString());
            m.put("steps", r.steps());
            m.put("losses", new ArrayList<>(r.losses()));
            OutputOptions.printJson(o, m);
        } else {
            List<Float> l = r.losses();
            o.println("saved " + out + " (step " + r.steps() + (l.isEmpty() ? "" : ", last loss " + l.get(l.size() - 1)) + ")");
        }
        o.flush();
        return 0;
    }

    /** One self-overwriting progress line on stderr. */
    static final class Bar implements TrainingRun.Listener {
        private final PrintWriter err;
        private boolean drawn;

        Bar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void step(long step, long total, float loss, double lr, double ips, double left) {
            int width = 24, filled = (int) (width * (step + 1) / total);
            err.printf("\r[%s%s] %d/%d loss %.4f lr %.2e %.1f img/s ETA %s ", "#".repeat(filled), ".".repeat(width - filled),
                    step + 1, total, loss, lr, ips, eta(left));
            err.flush();
            drawn = true;
        }

        @Override
        public void resumed(Path out, long step) {
            err.println("clip4j: resuming " + out + " at step " + step);
        }

        @Override
        public void skipped(String image, String reason) {
            if (drawn) err.println();
            err.println("clip4j: skipped " + Main.oneLine(reason));
            drawn = false;
        }

        void finish() {
            if (drawn) err.println();
            err.flush();
        }

        static String eta(double s) {
            long t = Math.round(s);
            return t >= 3600 ? String.format("%dh%02dm", t / 3600, t % 3600 / 60) : String.format("%dm%02ds", t / 60, t % 60);
        }
    }
}
