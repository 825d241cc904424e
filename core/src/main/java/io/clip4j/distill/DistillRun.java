package io.clip4j.distill;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.data.BatchLoader;
import io.clip4j.data.CaptionSource;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.data.Seeds;
import io.clip4j.model.ClipConfig;
import io.clip4j.train.ConfigFit;
import io.clip4j.train.ModelConfigFile;
import io.clip4j.train.TrainCheckpoint;
import io.clip4j.train.TrainingEvaluation;
import io.clip4j.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A distillation run: a student tower trained against a teacher that only has to produce embeddings (any model
 * clip4j loads, on the fast inference path), with the training loop of {@code clip4j train} ({@link TrainingRun}:
 * schedule, time budget, checkpoints, resume, metrics, NaN stop). The output folder is an open_clip model folder:
 * the student tower inside the teacher's model.
 */
public final class DistillRun {
    /**
     * @param teacherCache K crops per image cached (0: no cache, the teacher runs on every step's fresh crops)
     * @param prompts      extra anchor texts, or null
     */
    public record Settings(
            Tower tower,
            StudentShape shape,
            StudentModel.Init init,
            DistillObjective.LossSettings loss,
            int teacherCache,
            List<String> prompts,
            TrainingRun.Settings training) {}

    /** What the run did, with the teacher's share: embeddings computed vs taken from the cache. */
    public record Result(
            TrainingRun.Result training,
            ClipConfig student,
            long teacherComputed,
            long teacherReused,
            int cacheEntries,
            int cacheDropped) {}

    private DistillRun() {}

    /** The data: a folder of images (no captions) or an open_clip CSV/TSV of image-caption pairs. */
    public static CaptionSource data(Path data, CsvCaptionSource.Options csv, Consumer<String> report) {
        if (Files.isDirectory(data)) return ImageFolderSource.scan(data);
        if (!Files.isRegularFile(data)) throw new Clip4jException(data + ": no such folder or file");
        CsvCaptionSource s = CsvCaptionSource.load(data, csv, report);
        if (s.size() == 0) throw new Clip4jException(data + ": no usable image-caption rows");
        return s;
    }

    /** Refuses, before any work, settings that cannot run on this teacher, data and run folder. */
    public static void check(Clip teacher, CaptionSource data, Path out, Settings s) {
        ClipConfig studentConfig = s.shape().config(teacher.config());
        StudentModel.check(teacher.config(), s.shape(), s.init());
        if (s.teacherCache() < 0 || s.teacherCache() > 1000)
            throw new Clip4jException("--teacher-cache must be 0..1000, got " + s.teacherCache());
        if (s.tower() == Tower.TEXT && data instanceof ImageFolderSource) {
            throw new Clip4jException(
                    "text-tower distillation needs captions: --data FILE.tsv with image-caption pairs");
        }
        if (TrainCheckpoint.hasState(out)) {
            List<String> d = ConfigFit.differences(
                    studentConfig, ModelConfigFile.read(out.resolve(TrainCheckpoint.CONFIG_FILE)));
            if (!d.isEmpty())
                throw new Clip4jException(
                        out + ": the run saved there has another student (" + String.join(", ", d) + ")");
        }
    }

    public static Result run(
            Clip teacher,
            CaptionSource data,
            Path out,
            Settings s,
            TrainingEvaluation evaluation,
            TrainingRun.Listener listener) {
        check(teacher, data, out, s);
        ClipConfig studentConfig = s.shape().config(teacher.config());
        boolean captions = !(data instanceof ImageFolderSource);
        createDir(out);
        ImageKeys keys = new ImageKeys(data);
        TeacherCache cache = s.teacherCache() > 0
                ? TeacherCache.open(out.resolve(TeacherCache.FILE), identity(teacher, s), teacher.embedDim())
                : null;
        try {
            var teacherImages = new TeacherEmbeddings(teacher, cache, Math.max(1, s.teacherCache()), keys);
            float[] bank = s.prompts() == null || s.prompts().isEmpty()
                    ? new float[0]
                    : DistillObjective.flat(teacher.embedTexts(s.prompts()));
            var objective = new DistillObjective(teacher, s.tower(), s.loss(), captions, bank, teacherImages);
            int k = s.teacherCache();
            // with a cache, crop k = epoch mod K of an image is seeded by its content, so the student sees exactly the
            // crop the cached embedding was made from, whatever the file's name or position in the data
            BatchLoader.Augmentation crops = k > 0
                    ? (sd, epoch, i) -> Seeds.random(sd, epoch % k, keys.seedOf(i))
                    : BatchLoader.Augmentation.PER_EPOCH;
            var task = new TrainingRun.Task(
                    () -> StudentModel.build(teacher.checkpoint(), s.shape(), s.init()), objective, crops);
            TrainingRun.Result r = TrainingRun.run(
                    data, out, task, teacher.tokenizer(), s.training(), evaluation, listener, System::nanoTime);
            return new Result(
                    r,
                    studentConfig,
                    teacherImages.computed(),
                    teacherImages.reused(),
                    cache == null ? 0 : cache.size(),
                    cache == null ? 0 : cache.dropped());
        } finally {
            if (cache != null) {
                cache.sync();
                cache.close();
            }
        }
    }

    /** Everything the cached embeddings depend on. */
    static String identity(Clip teacher, Settings s) {
        ModelIdentity id = ModelIdentity.of(teacher);
        return String.format(
                Locale.ROOT,
                "teacher %s/%s embed %d resolution %d seed %d crops %d augment %b",
                id.configHash(),
                id.weights(),
                teacher.embedDim(),
                teacher.config().imageResolution(),
                s.training().seed(),
                s.teacherCache(),
                s.training().augment());
    }

    private static void createDir(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new Clip4jException(out + ": cannot create the folder (" + e.getMessage() + ")");
        }
    }
}
