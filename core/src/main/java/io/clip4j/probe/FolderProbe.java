package io.clip4j.probe;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A linear probe of a CLIP image encoder on two class-folder trees: embeds every image (unit embeddings, model
 * frozen), fits {@link LinearProbe} on the training tree, and scores the test tree. Unreadable images are
 * reported and left out. Test classes must all exist in the training tree (a probe cannot predict a class it
 * never saw); training classes absent from the test tree are fine.
 */
public final class FolderProbe {
    /** Test accuracy of one class. */
    public record ClassScore(int images, int correct) {
        public double accuracy() {
            return images == 0 ? Double.NaN : (double) correct / images;
        }
    }

    /** Everything the probe found. */
    public record Report(
            List<String> classes,
            int trainImages,
            int testImages,
            int skippedImages,
            double bestLambda,
            double valAccuracy,
            double testAccuracy,
            Map<String, ClassScore> perClass,
            List<LinearProbe.SweepPoint> sweep,
            LogisticRegression.Model model) {}

    /** Embedding progress: {@code done} of {@code total} images (training then test), called after every chunk. */
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void update(int done, int total);
    }

    /** Images embedded between two progress updates. */
    static final int CHUNK = 64;

    private FolderProbe() {}

    public static Report run(
            Clip clip, Path trainDir, Path testDir, LinearProbe.Settings settings, Consumer<String> report) {
        return run(clip, trainDir, testDir, settings, report, Progress.NONE);
    }

    public static Report run(
            Clip clip,
            Path trainDir,
            Path testDir,
            LinearProbe.Settings settings,
            Consumer<String> report,
            Progress progress) {
        ClassFolders train = ClassFolders.scan(trainDir);
        ClassFolders test = ClassFolders.scan(testDir);
        if (train.classes().size() < 2) {
            throw new Clip4jException(trainDir + ": a probe needs at least 2 classes, found "
                    + train.classes().size());
        }
        for (int c = 0; c < train.classes().size(); c++) {
            if (train.count(c) == 0) {
                throw new Clip4jException(
                        trainDir.resolve(train.classes().get(c)) + ": no images in this class folder");
            }
        }
        int[] testToTrain = new int[test.classes().size()];
        for (int c = 0; c < testToTrain.length; c++) {
            String name = test.classes().get(c);
            testToTrain[c] = train.classes().indexOf(name);
            if (testToTrain[c] < 0) {
                throw new Clip4jException(
                        testDir.resolve(name) + ": class '" + name + "' has no folder in the training set " + trainDir);
            }
        }
        int[] skipped = {0};
        int total = train.files().size() + test.files().size();
        progress.update(0, total);
        Embedded tr = embed(clip, train.files(), train.labels(), null, report, skipped, progress, 0, total);
        Embedded te = embed(
                clip,
                test.files(),
                test.labels(),
                testToTrain,
                report,
                skipped,
                progress,
                train.files().size(),
                total);
        int classes = train.classes().size();
        for (int c = 0; c < classes; c++) {
            boolean any = false;
            for (int l : tr.labels) any |= l == c;
            if (!any) {
                throw new Clip4jException(
                        trainDir.resolve(train.classes().get(c)) + ": no readable images in this class folder");
            }
        }
        LinearProbe.Result fit = LinearProbe.fit(tr.x, tr.labels, classes, settings);
        Map<String, ClassScore> perClass = new LinkedHashMap<>();
        int[] n = new int[classes];
        int[] ok = new int[classes];
        int correct = 0;
        for (int i = 0; i < te.x.length; i++) {
            int y = te.labels[i];
            n[y]++;
            if (fit.predict(te.x[i]) == y) {
                ok[y]++;
                correct++;
            }
        }
        for (int c : testToTrain) perClass.put(train.classes().get(c), new ClassScore(n[c], ok[c]));
        double testAcc = te.x.length == 0 ? Double.NaN : (double) correct / te.x.length;
        return new Report(
                train.classes(),
                tr.x.length,
                te.x.length,
                skipped[0],
                fit.bestLambda(),
                fit.valAccuracy(),
                testAcc,
                perClass,
                fit.sweep(),
                fit.model());
    }

    private record Embedded(float[][] x, int[] labels) {}

    private static Embedded embed(
            Clip clip,
            List<Path> files,
            int[] labels,
            int[] remap,
            Consumer<String> report,
            int[] skipped,
            Progress progress,
            int doneBefore,
            int total) {
        List<Clip.ImageResult> results = new ArrayList<>();
        for (int s = 0; s < files.size(); s += CHUNK) {
            results.addAll(clip.embedImageFiles(files.subList(s, Math.min(files.size(), s + CHUNK))));
            progress.update(doneBefore + results.size(), total);
        }
        List<float[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Clip.ImageResult r = results.get(i);
            if (!r.ok()) {
                report.accept(r.error() + " (skipped)");
                skipped[0]++;
                continue;
            }
            // unit length whatever the Clip's options, as the probe protocol expects
            x.add(Clip.normalize(r.embedding()));
            y.add(remap == null ? labels[i] : remap[labels[i]]);
        }
        return new Embedded(
                x.toArray(float[][]::new),
                y.stream().mapToInt(Integer::intValue).toArray());
    }
}
