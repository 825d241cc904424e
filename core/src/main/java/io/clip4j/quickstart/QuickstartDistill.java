package io.clip4j.quickstart;

import io.clip4j.api.Clip;
import io.clip4j.convert.ModelConverter;
import io.clip4j.convert.WeightDType;
import io.clip4j.data.SyntheticCaptions;
import io.clip4j.data.SyntheticScene;
import io.clip4j.distill.DistillObjective;
import io.clip4j.distill.DistillRun;
import io.clip4j.distill.StudentModel;
import io.clip4j.distill.StudentShape;
import io.clip4j.distill.Tower;
import io.clip4j.eval.AgreementEval;
import io.clip4j.image.ImagePreprocessor;
import io.clip4j.model.ClipConfig;
import io.clip4j.probe.ClassFolders;
import io.clip4j.train.LrSchedule;
import io.clip4j.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The quickstart's second half: its trained model distilled into a half-width, half-depth student (the image tower;
 * the text tower stays the teacher's) on fresh scenes for a time budget, stored in fp16, and measured beside the
 * teacher with the same zero-shot labels and text queries.
 *
 * <pre>
 * OUT/student-run/   the distillation run (float32 checkpoints, metrics.csv, curves.png, resumable)
 * OUT/student/       the student in fp16: the model to ship
 * </pre>
 */
public final class QuickstartDistill {
    /**
     * Rate and loss of the quickstart's distillation, measured on its 60 s budget (README, Pocket CLIP): a peak rate of
     * 1e-3 kept 88 % of the teacher's seen-pair top-1, 3e-3 94 %, 4e-3 95 %, 6e-3 95–98 %, 1e-2 91 %; the L1 weight
     * (0, 1, 10) and a constant temperature of 1 or 2 changed it by less than a point.
     */
    static final double LR = 4e-3, L1_WEIGHT = 1.0;

    static final int WARMUP = 20;
    /** Interleaved throughput rounds; the first one also warms the JIT up. */
    static final int ROUNDS = 4;

    /** One model's figures in the side-by-side table. */
    public record Side(
            String name,
            Path folder,
            ClipConfig config,
            long imageParameters,
            long fileBytes,
            double imagesPerSecond,
            Quickstart.Evaluation evaluation) {}

    /** Teacher and student side by side, with how far they agree. */
    public record Result(
            Side teacher, Side student, long steps, double seconds, AgreementEval.Report agreement, Path curves) {}

    private QuickstartDistill() {}

    static Result run(
            Path out,
            Path dataDir,
            Path teacherDir,
            QuickstartRecipe r,
            double seconds,
            TrainingRun.Listener listener) {
        Path runDir = out.resolve("student-run"), studentDir = out.resolve("student");
        DistillRun.Result d;
        try (Clip teacher = Clip.load(teacherDir, Clip.Options.defaults().withTruncate(true))) {
            StudentShape shape = StudentShape.of(Tower.IMAGE, teacher.config(), null, null, null);
            // fresh scenes from another stream of the training generator: as many as the budget allows, none repeated
            var scenes = new SyntheticCaptions(1_000_000, r.seed() + 1, r.imageSize(), r.holdout(), 0.0, r.style());
            var training = new TrainingRun.Settings(
                    r.batch(),
                    1,
                    -1,
                    LR,
                    WARMUP,
                    LrSchedule.Kind.COSINE,
                    0.05,
                    true,
                    true,
                    false,
                    r.seed(),
                    0,
                    0,
                    seconds);
            var settings = new DistillRun.Settings(
                    Tower.IMAGE,
                    shape,
                    new StudentModel.Init.Inherit(),
                    new DistillObjective.LossSettings(4, 2, 10, L1_WEIGHT),
                    0,
                    null,
                    training);
            d = DistillRun.run(teacher, scenes, runDir, settings, null, listener);
            ModelConverter.convert(runDir, studentDir, WeightDType.F16);
        }
        try (Clip teacher = Clip.load(teacherDir, Clip.Options.defaults().withTruncate(true));
                Clip student = Clip.load(studentDir, Clip.Options.defaults().withTruncate(true))) {
            List<Path> images = evaluationImages(dataDir);
            double[] ips = imagesPerSecond(teacher, student, images);
            Side t = side("teacher", teacher, teacherDir, dataDir, r, ips[0]);
            Side s = side("student (fp16)", student, studentDir, dataDir, r, ips[1]);
            List<String> labels = new ArrayList<>();
            for (SyntheticScene.Colour c : SyntheticScene.Colour.values()) {
                for (SyntheticScene.Shape sh : SyntheticScene.Shape.values())
                    labels.add(new SyntheticScene.Combo(c, sh).name());
            }
            List<String> queries = t.evaluation().searches().stream()
                    .map(Quickstart.SearchResult::query)
                    .toList();
            var agreement = AgreementEval.run(student, teacher, images, queries, labels, r.templates(), 10);
            return new Result(
                    t,
                    s,
                    d.training().steps(),
                    d.training().seconds(),
                    agreement,
                    runDir.resolve(TrainingRun.CURVES_PNG));
        }
    }

    private static Side side(String name, Clip clip, Path dir, Path dataDir, QuickstartRecipe r, double ips) {
        long params = 0;
        for (var e : clip.checkpoint().weights().entrySet())
            if (e.getKey().startsWith("visual.")) params += e.getValue().numel();
        return new Side(name, dir, clip.config(), params, folderBytes(dir), ips, Quickstart.evaluate(clip, dataDir, r));
    }

    /**
     * The image towers' throughput on the same preprocessed images (decoding is left out: at the quickstart's size it
     * costs more than either tower), best of {@link #ROUNDS} interleaved rounds, so that a drifting machine speed
     * touches both alike. The teacher and the student share the resolution and normalisation.
     */
    static double[] imagesPerSecond(Clip teacher, Clip student, List<Path> images) {
        var pre = new ImagePreprocessor(
                teacher.config().imageResolution(),
                teacher.config().mean(),
                teacher.config().std());
        int n = images.size(),
                plane =
                        3
                                * teacher.config().imageResolution()
                                * teacher.config().imageResolution();
        float[] pixels = new float[n * plane];
        for (int i = 0; i < n; i++) System.arraycopy(pre.preprocess(images.get(i)), 0, pixels, i * plane, plane);
        double[] best = new double[2];
        Clip[] models = {teacher, student};
        for (int round = 0; round < ROUNDS; round++) {
            for (int m = 0; m < 2; m++) {
                long t0 = System.nanoTime();
                models[m].embedPixels(pixels, n);
                best[m] = Math.max(best[m], n / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return best;
    }

    private static List<Path> evaluationImages(Path dataDir) {
        List<Path> all = new ArrayList<>();
        for (String set : List.of("classes", "heldout")) {
            Path dir = dataDir.resolve(set);
            if (Files.isDirectory(dir)) all.addAll(ClassFolders.scan(dir).files());
        }
        return all;
    }

    private static long folderBytes(Path dir) {
        Path weights = dir.resolve("open_clip_model.safetensors");
        try {
            return Files.size(weights);
        } catch (IOException e) {
            return -1;
        }
    }
}
