package io.clip4j.quickstart;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.data.BatchLoader;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.data.SyntheticCaptions;
import io.clip4j.data.SyntheticDataset;
import io.clip4j.data.SyntheticScene;
import io.clip4j.data.SyntheticScene.Combo;
import io.clip4j.probe.ClassFolders;
import io.clip4j.tokenizer.ClipTokenizer;
import io.clip4j.train.ContrastiveObjective;
import io.clip4j.train.LrSchedule;
import io.clip4j.train.ParameterSet;
import io.clip4j.train.TrainableClip;
import io.clip4j.train.TrainingEvaluation;
import io.clip4j.train.TrainingRun;
import io.clip4j.zeroshot.ZeroShotClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The offline demonstration: write a synthetic data set of coloured shapes with some colour-shape pairs held out,
 * train a small CLIP on it from scratch for a time budget, then classify images zero-shot (seen pairs and the
 * never-seen pairs) and search them by text with the saved checkpoint through the ordinary {@link Clip} API.
 *
 * <pre>
 * OUT/data/     the synthetic set (clip4j synth's layout)
 * OUT/model/    the training folder: open_clip checkpoint, train_state, metrics.csv, curves.png
 * OUT/report.html
 * </pre>
 */
public final class Quickstart {
    /** Marks a folder written by the quickstart, so that a rerun may replace it. */
    public static final String MARKER = ".clip4j-quickstart";

    static final int TOP = 3;
    static final int SEARCH_TOP = 5;

    public interface Progress {
        void stage(String message);

        TrainingRun.Listener training();
    }

    /** Zero-shot top-1 over all colour-shape labels; chance = 1 / labels (1 / colours, 1 / shapes for the parts). */
    public record ZeroShotScores(
            int labels,
            int seenImages,
            double seenTop1,
            int heldoutImages,
            double heldoutTop1,
            double heldoutColour,
            double heldoutShape,
            int colours,
            int shapes) {
        public double chance() {
            return 1.0 / labels;
        }
    }

    public record Confusion(String truth, String predicted, int count) {}

    public record Example(Path image, String truth, boolean heldout, List<ZeroShotClassifier.Prediction> top) {}

    public record SearchHit(Path path, String truth, double score) {}

    public record SearchResult(String query, List<SearchHit> hits) {}

    /** What the saved model does on the images it never saw. */
    public record Evaluation(
            ZeroShotScores zeroShot, List<Confusion> confusions, List<Example> examples, List<SearchResult> searches) {}

    /**
     * @param trainSeconds    wall time of the training run (with its evaluations and checkpoints)
     * @param imagesPerSecond training throughput: pairs over the time spent in training steps
     */
    public record Result(
            Path out,
            Path report,
            Path model,
            QuickstartRecipe recipe,
            long steps,
            double trainSeconds,
            double imagesPerSecond,
            float finalLoss,
            Map<String, Double> trainMetrics,
            ZeroShotScores zeroShot,
            List<Confusion> confusions,
            List<Example> examples,
            List<SearchResult> searches,
            long parameters,
            QuickstartDistill.Result student,
            double seconds) {}

    private Quickstart() {}

    public static Result run(Path out, QuickstartRecipe r, Progress progress) {
        return run(out, r, 0, progress);
    }

    /** @param distillSeconds time budget of the student's distillation; 0 = no student */
    public static Result run(Path out, QuickstartRecipe r, double distillSeconds, Progress progress) {
        long started = System.nanoTime();
        prepare(out);
        Path dataDir = out.resolve("data"), modelDir = out.resolve("model");

        progress.stage("writing the synthetic data set to " + dataDir + " (held out of training: "
                + QuickstartRecipe.HOLDOUT + ")");
        SyntheticDataset.write(
                dataDir,
                new SyntheticDataset.Settings(
                        r.dataCount(),
                        r.seed(),
                        r.imageSize(),
                        r.holdout(),
                        r.valCount(),
                        r.perClass(),
                        0.0,
                        r.style()));

        progress.stage("training " + r.model().describe() + " from scratch for " + fmt(r.seconds()) + " s"
                + (r.maxSteps() > 0 ? " or " + r.maxSteps() + " steps, whichever comes first" : ""));
        // fresh scenes from the generator of data/train.tsv (its first pairs are the file's): no image is seen twice
        var train = new SyntheticCaptions(1_000_000, r.seed(), r.imageSize(), r.holdout(), 0.0, r.style());
        var evaluation = new TrainingEvaluation(
                CsvCaptionSource.load(dataDir.resolve("val.tsv")),
                ClassFolders.scan(dataDir.resolve("classes")),
                r.templates());
        var settings = new TrainingRun.Settings(
                r.batch(),
                1,
                r.maxSteps(),
                r.lr(),
                r.warmup(),
                LrSchedule.Kind.COSINE,
                r.weightDecay(),
                true,
                true,
                false,
                r.seed(),
                0,
                r.evalEvery(),
                r.seconds());
        var task = new TrainingRun.Task(
                () -> TrainableClip.fromScratch(r.model(), r.seed()),
                new ContrastiveObjective(false, r.sharedCaptions()),
                BatchLoader.Augmentation.PER_EPOCH);
        TrainingRun.Result run = TrainingRun.run(
                train,
                modelDir,
                task,
                ClipTokenizer.openai(),
                settings,
                evaluation,
                progress.training(),
                System::nanoTime);
        double[] rates = run.curves().points("images_per_s")[1];
        double stepSeconds = 0;
        for (double x : rates) stepSeconds += r.batch() / x;
        double ips = stepSeconds > 0 ? rates.length * r.batch() / stepSeconds : 0;

        progress.stage("zero-shot classification and text search with the saved model " + modelDir);
        Evaluation ev;
        try (Clip clip = Clip.load(modelDir, Clip.Options.defaults().withTruncate(true))) {
            ev = evaluate(clip, dataDir, r);
        }
        QuickstartDistill.Result student = null;
        if (distillSeconds > 0) {
            progress.stage("distilling the model into a half-width, half-depth image tower for " + fmt(distillSeconds)
                    + " s, stored in fp16 (" + out.resolve("student") + ")");
            student = QuickstartDistill.run(out, dataDir, modelDir, r, distillSeconds, progress.training());
        }
        float finalLoss = run.losses().isEmpty()
                ? Float.NaN
                : run.losses().get(run.losses().size() - 1);
        long params = 0;
        for (int[] shape : ExpectedTensors.of(r.model()).values()) params += ParameterSet.numel(shape);
        Result result = new Result(
                out,
                out.resolve("report.html"),
                modelDir,
                r,
                run.steps(),
                run.seconds(),
                ips,
                finalLoss,
                run.metrics(),
                ev.zeroShot(),
                ev.confusions(),
                ev.examples(),
                ev.searches(),
                params,
                student,
                (System.nanoTime() - started) / 1e9);
        QuickstartReport.write(result);
        return result;
    }

    /** Zero-shot over every colour-shape label on the class folders (seen pairs) and held-out folders; searches. */
    static Evaluation evaluate(Clip clip, Path dataDir, QuickstartRecipe r) {
        List<String> labels = new ArrayList<>();
        for (SyntheticScene.Colour c : SyntheticScene.Colour.values()) {
            for (SyntheticScene.Shape s : SyntheticScene.Shape.values()) labels.add(new Combo(c, s).name());
        }
        var classifier = new ZeroShotClassifier(clip, labels, r.templates());
        List<Path> files = new ArrayList<>();
        List<String> truths = new ArrayList<>();
        List<Boolean> held = new ArrayList<>();
        for (String set : List.of("classes", "heldout")) {
            Path dir = dataDir.resolve(set);
            if (!Files.isDirectory(dir)) continue;
            ClassFolders f = ClassFolders.scan(dir);
            for (int i = 0; i < f.files().size(); i++) {
                files.add(f.files().get(i));
                truths.add(f.classes().get(f.labels()[i]));
                held.add(set.equals("heldout"));
            }
        }
        float[][] emb = clip.embedImages(files);
        int seen = 0, seenRight = 0, heldN = 0, heldRight = 0, colourRight = 0, shapeRight = 0;
        Map<String, Integer> confusions = new LinkedHashMap<>();
        List<Example> examples = new ArrayList<>();
        Map<String, Integer> shownPerClass = new LinkedHashMap<>();
        int seenClassIndex = 0;
        for (int i = 0; i < files.size(); i++) {
            List<ZeroShotClassifier.Prediction> top = classifier.top(emb[i], TOP);
            String truth = truths.get(i), pred = top.get(0).label();
            boolean right = pred.equals(truth);
            if (held.get(i)) {
                heldN++;
                if (right) heldRight++;
                String[] t = truth.split(" "), p = pred.split(" ");
                if (t[0].equals(p[0])) colourRight++;
                if (t[1].equals(p[1])) shapeRight++;
            } else {
                seen++;
                if (right) seenRight++;
            }
            if (!right) confusions.merge(truth + "\u0000" + pred, 1, Integer::sum);
            // examples: two images of every held-out pair, the first image of every eighth seen pair
            int shown = shownPerClass.getOrDefault(truth, 0);
            if (shown == 0 && !held.get(i)) seenClassIndex++;
            boolean pick = held.get(i) ? shown < 2 : shown == 0 && seenClassIndex % 6 == 1;
            if (pick) examples.add(new Example(files.get(i), truth, held.get(i), top));
            shownPerClass.put(truth, shown + 1);
        }
        List<Confusion> conf = confusions.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(10)
                .map(e ->
                        new Confusion(e.getKey().split("\u0000")[0], e.getKey().split("\u0000")[1], e.getValue()))
                .toList();
        var scores = new ZeroShotScores(
                labels.size(),
                seen,
                ratio(seenRight, seen),
                heldN,
                ratio(heldRight, heldN),
                ratio(colourRight, heldN),
                ratio(shapeRight, heldN),
                SyntheticScene.Colour.values().length,
                SyntheticScene.Shape.values().length);

        List<String> queries = new ArrayList<>();
        for (Combo c :
                r.holdout().stream().sorted(Comparator.comparing(Combo::name)).toList()) queries.add("a " + c.name());
        queries.add("a large yellow star");
        List<SearchResult> searches = new ArrayList<>();
        float[][] q = clip.embedTexts(queries);
        for (int k = 0; k < queries.size(); k++) {
            double[] scoresK = new double[files.size()];
            for (int i = 0; i < files.size(); i++) scoresK[i] = Clip.cosine(q[k], emb[i]);
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) idx.add(i);
            idx.sort(Comparator.comparingDouble((Integer i) -> -scoresK[i]));
            List<SearchHit> hits = new ArrayList<>();
            for (int i : idx.subList(0, Math.min(SEARCH_TOP, idx.size())))
                hits.add(new SearchHit(files.get(i), truths.get(i), scoresK[i]));
            searches.add(new SearchResult(queries.get(k), hits));
        }
        return new Evaluation(scores, conf, examples, searches);
    }

    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    /** Creates OUT, or empties the parts of an earlier quickstart there; refuses any other non-empty folder. */
    static void prepare(Path out) {
        try {
            if (Files.isDirectory(out)) {
                boolean empty;
                try (Stream<Path> s = Files.list(out)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.exists(out.resolve(MARKER))) {
                    throw new Clip4jException(
                            out + ": the folder exists and was not written by the quickstart; choose another --out");
                }
                for (String part : List.of("data", "model", "student-run", "student", "report.html"))
                    deleteTree(out.resolve(part));
            } else if (Files.exists(out)) {
                throw new Clip4jException(out + ": not a folder");
            }
            Files.createDirectories(out);
            Files.writeString(
                    out.resolve(MARKER),
                    "written by clip4j quickstart; a rerun replaces data/, model/ and report.html\n");
        } catch (IOException e) {
            throw new Clip4jException(
                    out + ": cannot prepare the folder (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) deleteTree(c);
            }
        }
        Files.delete(p);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
