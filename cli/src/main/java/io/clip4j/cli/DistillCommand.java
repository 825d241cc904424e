package io.clip4j.cli;

import io.clip4j.Clip4jException;
import io.clip4j.ErrorLines;
import io.clip4j.api.Clip;
import io.clip4j.data.CaptionSource;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.distill.DistillObjective;
import io.clip4j.distill.DistillRun;
import io.clip4j.distill.StudentModel;
import io.clip4j.distill.StudentShape;
import io.clip4j.distill.Tower;
import io.clip4j.probe.ClassFolders;
import io.clip4j.train.LrSchedule;
import io.clip4j.train.TrainingEvaluation;
import io.clip4j.train.TrainingRun;
import io.clip4j.zeroshot.PromptTemplates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code clip4j distill}: a smaller student tower trained to reproduce a teacher's embeddings. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = {
            "Distil a CLIP's image tower (or its text tower) into a smaller student: by default half the "
                    + "teacher's width and depth, initialised from the teacher's weights, trained with a temperature-scaled KL "
                    + "divergence over anchor embeddings plus an L1 term on the embeddings. The result is an ordinary model "
                    + "folder (the student tower inside the teacher's model) that every clip4j command loads. Running the same "
                    + "command again resumes the run.",
            "JSON: {\"out\",\"student\",\"steps\",\"losses\",\"metrics\",\"teacher_computed\",\"teacher_cached\",\"cache_entries\",\"seconds\"}."
        })
public final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(
            names = "--teacher",
            required = true,
            paramLabel = "PATH",
            description = "The teacher: any model clip4j loads.")
    Path teacher;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR|CSV",
            description =
                    "A folder of images (searched recursively), or an open_clip CSV/TSV of image-caption pairs (the captions become anchors).")
    Path data;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description =
                    "The run folder: the student model, its training state, metrics.csv, curves.png and the teacher cache.")
    Path out;

    @Option(
            names = "--tower",
            defaultValue = "image",
            paramLabel = "image|text",
            description = "The tower to distil; the other stays the teacher's (default: ${DEFAULT-VALUE}).")
    String tower;

    @Option(names = "--student-width", paramLabel = "W", description = "Student width (default: half the teacher's).")
    Integer width;

    @Option(
            names = "--student-layers",
            paramLabel = "L",
            description = "Student blocks (default: half the teacher's, rounded up).")
    Integer layers;

    @Option(
            names = "--student-heads",
            paramLabel = "H",
            description = "Student attention heads; any divisor of the width (default: the teacher's).")
    Integer heads;

    @Option(
            names = "--student-config",
            paramLabel = "FILE",
            description =
                    "The student's image tower from an open_clip model config (its vision_cfg; embed_dim must be the teacher's).")
    Path studentConfig;

    @Option(
            names = "--init",
            defaultValue = "inherit",
            paramLabel = "inherit|random|PATH",
            description =
                    "Student start: the teacher's layers at a fixed interval and the leading slice of every tensor, open_clip's random initialisation, or another student model (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(
            names = "--temperature",
            defaultValue = "4",
            paramLabel = "T",
            description = "KL temperature of the first epochs (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(
            names = "--final-temperature",
            defaultValue = "2",
            paramLabel = "T",
            description = "KL temperature from --switch-epoch on (default: ${DEFAULT-VALUE}).")
    double finalTemperature;

    @Option(
            names = "--switch-epoch",
            defaultValue = "10",
            paramLabel = "E",
            description = "The epoch (0-based) at which the temperature changes (default: ${DEFAULT-VALUE}).")
    int switchEpoch;

    @Option(
            names = "--l1-weight",
            defaultValue = "" + DEFAULT_L1,
            paramLabel = "LAMBDA",
            description = "Weight of the L1 term on the unit embeddings (default: ${DEFAULT-VALUE}).")
    double l1Weight;

    @Option(names = "--prompts", paramLabel = "FILE", description = "Extra anchor texts, one per line (a prompt bank).")
    Path prompts;

    @Option(
            names = "--teacher-cache",
            defaultValue = "0",
            paramLabel = "K",
            description =
                    "Cache the teacher's embeddings of K seeded crops per image in the run folder; epoch e uses crop e mod K, so epochs after the first K cost only the student (default: ${DEFAULT-VALUE}: no cache).")
    int teacherCache;

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
            description = "Time budget: one warmup and one cosine over it; 0 = none.")
    double maxSeconds;

    @Option(
            names = "--batch",
            defaultValue = "32",
            paramLabel = "N",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "" + DEFAULT_LR,
            paramLabel = "RATE",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--warmup",
            paramLabel = "STEPS",
            description = "Linear warmup steps (default: a tenth of the run, at most 1000).")
    Integer warmup;

    @Option(
            names = "--wd",
            defaultValue = "0.05",
            paramLabel = "DECAY",
            description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double wd;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "N",
            description = "Seed for shuffling, crops and a random init (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--save-every",
            defaultValue = "1000",
            paramLabel = "STEPS",
            description = "Checkpoint interval; 0 = at the end only (default: ${DEFAULT-VALUE}).")
    long saveEvery;

    @Option(names = "--no-augment", description = "Centre crops instead of random resized crops.")
    boolean noAugment;

    @Option(names = "--no-shuffle", description = "Keep the data's order.")
    boolean noShuffle;

    @Option(
            names = "--val",
            paramLabel = "CSV",
            description = "Validation pairs: image-text retrieval R@1/5/10 of the student model during the run.")
    Path val;

    @Option(
            names = "--zeroshot",
            paramLabel = "DIR",
            description =
                    "Class folders (class name = folder name): the student model's zero-shot top-1 during the run.")
    Path zeroshot;

    @Option(
            names = "--templates",
            paramLabel = "NAME|FILE|'... {} ...'",
            defaultValue = "simple",
            description = "Prompt templates for --zeroshot (default: ${DEFAULT-VALUE}).")
    String templates;

    @Option(
            names = "--eval-every",
            defaultValue = "500",
            paramLabel = "STEPS",
            description = "Evaluation interval (also at the start and the end) (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    /** Chosen by measurement on the quickstart's teacher (see the README's distillation section). */
    static final double DEFAULT_LR = 5e-4, DEFAULT_L1 = 1.0;

    @Override
    public Integer call() {
        if (!(temperature > 0) || !(finalTemperature > 0))
            throw usage("--temperature and --final-temperature must be positive");
        if (!(l1Weight >= 0)) throw usage("--l1-weight must be >= 0, got " + l1Weight);
        if (epochs < 1 && maxSteps < 0) throw usage("--epochs must be >= 1, got " + epochs);
        if (switchEpoch < 0) throw usage("--switch-epoch must be >= 0, got " + switchEpoch);
        Tower t = Tower.parse(tower);
        PrintWriter err = spec.commandLine().getErr();
        List<String> bank = prompts == null ? null : readLines(prompts);
        try (Clip teacherModel = Clip.load(teacher, Clip.Options.defaults().withTruncate(true))) {
            if (studentConfig != null && (width != null || layers != null || heads != null)) {
                throw usage("give either --student-config or --student-width/--student-layers/--student-heads");
            }
            if (studentConfig != null && t == Tower.TEXT)
                throw usage("--student-config describes an image tower; use --student-width etc. for --tower text");
            StudentShape shape;
            try {
                shape = studentConfig != null
                        ? StudentShape.fromOpenClipConfig(studentConfig, teacherModel.config())
                        : StudentShape.of(t, teacherModel.config(), width, layers, heads);
            } catch (Clip4jException e) {
                if (e.getMessage().startsWith("--student")) throw usage(e.getMessage()); // an option's value
                throw e;
            }
            StudentModel.Init start = StudentModel.Init.parse(init, seed);
            List<Integer> skippedRows = new ArrayList<>();
            CaptionSource source = DistillRun.data(data, CsvCaptionSource.Options.defaults(), line -> {
                skippedRows.add(1);
                if (skippedRows.size() <= TrainCommand.MAX_PROBLEM_LINES)
                    err.println("clip4j: " + ErrorLines.oneLine(line));
            });
            long runSteps = maxSteps >= 0 ? maxSteps : (long) (source.size() / Math.max(1, batch)) * epochs;
            int warmupSteps = warmup != null ? warmup : (int) Math.min(1000, Math.max(1, runSteps / 10));
            var training = new TrainingRun.Settings(
                    batch,
                    epochs,
                    maxSteps,
                    lr,
                    warmupSteps,
                    LrSchedule.Kind.COSINE,
                    wd,
                    !noShuffle,
                    !noAugment,
                    false,
                    seed,
                    saveEvery,
                    evalEvery,
                    maxSeconds);
            var settings = new DistillRun.Settings(
                    t,
                    shape,
                    start,
                    new DistillObjective.LossSettings(temperature, finalTemperature, switchEpoch, l1Weight),
                    teacherCache,
                    bank,
                    training);
            TrainingEvaluation evaluation = val == null && zeroshot == null
                    ? null
                    : new TrainingEvaluation(
                            val == null ? null : CsvCaptionSource.load(val),
                            zeroshot == null ? null : ClassFolders.scan(zeroshot),
                            PromptTemplates.resolve(templates));
            DistillRun.check(teacherModel, source, out, settings);
            err.println("clip4j: distilling " + teacher + " ("
                    + teacherModel.config().describe() + ") into a student " + shape.describe() + " on " + source.size()
                    + (source instanceof CsvCaptionSource ? " image-caption pairs" : " images"));
            err.flush();
            var bar = new TrainCommand.Bar(err);
            DistillRun.Result r;
            try {
                r = DistillRun.run(teacherModel, source, out, settings, evaluation, bar);
            } finally {
                bar.finish();
            }
            print(r);
        }
        return 0;
    }

    private void print(DistillRun.Result r) {
        PrintWriter o = spec.commandLine().getOut();
        TrainingRun.Result tr = r.training();
        if (output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", out.toString());
            m.put("student", r.student().describe());
            m.put("steps", tr.steps());
            m.put("losses", new ArrayList<>(tr.losses()));
            m.put("metrics", tr.metrics());
            m.put("teacher_computed", r.teacherComputed());
            m.put("teacher_cached", r.teacherReused());
            m.put("cache_entries", r.cacheEntries());
            m.put("cache_dropped", r.cacheDropped());
            m.put("seconds", tr.seconds());
            OutputOptions.printJson(o, m);
        } else {
            List<Float> l = tr.losses();
            o.println("saved " + out + " (" + r.student().describe() + "; step " + tr.steps()
                    + (l.isEmpty() ? "" : ", last loss " + l.get(l.size() - 1)) + ")");
            o.println(
                    "teacher embeddings: " + r.teacherComputed() + " computed, " + r.teacherReused() + " from the cache"
                            + (r.cacheDropped() > 0
                                    ? " (" + r.cacheDropped() + " damaged cache entries were dropped and recomputed)"
                                    : ""));
            if (!tr.metrics().isEmpty()) o.println("final " + TrainCommand.Bar.metrics(tr.metrics()));
        }
        o.flush();
    }

    /** Bad usage: exit status 2. */
    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static List<String> readLines(Path file) {
        try {
            List<String> lines = Files.readAllLines(file).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
            if (lines.isEmpty()) throw new Clip4jException(file + ": no prompts in the file");
            return lines;
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
