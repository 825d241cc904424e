package io.clip4j.eval;

import io.clip4j.api.Clip;
import io.clip4j.probe.ClassFolders;
import io.clip4j.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification of class folders (class name = folder name), as CLIP_benchmark's zeroshot_classification:
 * top-1 and top-5 accuracy over all images, per-class recall (mean per-class recall too: it does not favour large
 * classes) and the confusion matrix. Unreadable images are listed and left out.
 */
public final class ZeroShotEval {
    public record PerClass(String label, int images, double top1) {}

    /** {@code confusion[truth][predicted]} counts. */
    public record Report(
            List<String> classes,
            int images,
            double top1,
            double top5,
            double meanPerClassRecall,
            List<PerClass> perClass,
            int[][] confusion,
            List<String> skipped) {}

    private ZeroShotEval() {}

    public static Report run(Clip clip, ClassFolders data, List<String> templates) {
        var classifier = new ZeroShotClassifier(clip, data.classes(), templates);
        List<Clip.ImageResult> emb = clip.embedImageFiles(data.files());
        int c = data.classes().size();
        int[][] confusion = new int[c][c];
        int[] count = new int[c], right = new int[c];
        int n = 0, top1 = 0, top5 = 0;
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < emb.size(); i++) {
            Clip.ImageResult r = emb.get(i);
            if (!r.ok()) {
                skipped.add(r.error());
                continue;
            }
            int truth = data.labels()[i];
            List<ZeroShotClassifier.Prediction> top = classifier.top(r.embedding(), Math.min(5, c));
            int predicted = data.classes().indexOf(top.get(0).label());
            confusion[truth][predicted]++;
            count[truth]++;
            n++;
            if (predicted == truth) {
                top1++;
                right[truth]++;
            }
            if (top.stream().anyMatch(p -> p.label().equals(data.classes().get(truth)))) top5++;
        }
        List<PerClass> per = new ArrayList<>();
        double recallSum = 0;
        int present = 0;
        for (int k = 0; k < c; k++) {
            double rec = count[k] == 0 ? Double.NaN : (double) right[k] / count[k];
            per.add(new PerClass(data.classes().get(k), count[k], rec));
            if (count[k] > 0) {
                recallSum += rec;
                present++;
            }
        }
        return new Report(
                data.classes(),
                n,
                ratio(top1, n),
                ratio(top5, n),
                present == 0 ? Double.NaN : recallSum / present,
                per,
                confusion,
                skipped);
    }

    static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
