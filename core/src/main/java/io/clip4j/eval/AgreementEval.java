package io.clip4j.eval;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.zeroshot.ZeroShotClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How far a student model agrees with its teacher on the same images — the production team's measure of a distilled
 * CLIP, whose search results should be as meaningful as the teacher's without being the same ones:
 * <ul>
 *   <li>mean cosine between the student's and the teacher's unit image embeddings (same space: the student was
 *       trained into the teacher's);</li>
 *   <li>zero-shot agreement: the fraction of images whose top-1 label is the same for both (each with its own text
 *       tower), when labels are given;</li>
 *   <li>for each text query, each model ranks the images; overlap@N = |top-N(student) ∩ top-N(teacher)| / N, and
 *       AP@N = (1/N) Σ_{k ≤ N} precision@k · [k-th student result is in the teacher's top N] (the teacher's top N is
 *       the relevant set); their means over the queries are overlap@N and MAP@N.</li>
 * </ul>
 */
public final class AgreementEval {
    public record QueryResult(String query, double overlap, double averagePrecision) {}

    public record Report(
            int images,
            double meanCosine,
            Double zeroShotAgreement,
            int topN,
            double overlap,
            double map,
            List<QueryResult> queries,
            List<String> skipped) {}

    private AgreementEval() {}

    /**
     * @param labels    zero-shot labels (null: no zero-shot agreement)
     * @param templates prompt templates for the labels
     */
    public static Report run(
            Clip student,
            Clip teacher,
            List<Path> images,
            List<String> queries,
            List<String> labels,
            List<String> templates,
            int topN) {
        if (student.embedDim() != teacher.embedDim()) {
            throw new Clip4jException("the student's embedding (" + student.embedDim() + ") is not the teacher's ("
                    + teacher.embedDim() + ")");
        }
        if (topN < 1) throw new Clip4jException("--top must be at least 1, got " + topN);
        List<Clip.ImageResult> s = student.embedImageFiles(images), t = teacher.embedImageFiles(images);
        List<float[]> se = new ArrayList<>(), te = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            if (!s.get(i).ok() || !t.get(i).ok()) {
                skipped.add(!s.get(i).ok() ? s.get(i).error() : t.get(i).error());
                continue;
            }
            se.add(Clip.normalize(s.get(i).embedding()));
            te.add(Clip.normalize(t.get(i).embedding()));
        }
        int n = se.size();
        if (n == 0) throw new Clip4jException("no readable images");
        double cos = 0;
        for (int i = 0; i < n; i++) cos += Clip.cosine(se.get(i), te.get(i));
        Double agreement = null;
        if (labels != null && !labels.isEmpty()) {
            var zs = new ZeroShotClassifier(student, labels, templates);
            var zt = new ZeroShotClassifier(teacher, labels, templates);
            int same = 0;
            for (int i = 0; i < n; i++)
                if (zs.top(se.get(i), 1)
                        .get(0)
                        .label()
                        .equals(zt.top(te.get(i), 1).get(0).label())) same++;
            agreement = (double) same / n;
        }
        List<QueryResult> results = new ArrayList<>();
        if (!queries.isEmpty()) {
            float[][] qs = student.embedTexts(queries), qt = teacher.embedTexts(queries);
            int k = Math.min(topN, n);
            for (int q = 0; q < queries.size(); q++) {
                int[] rs = ranking(Clip.normalize(qs[q]), se, k), rt = ranking(Clip.normalize(qt[q]), te, k);
                results.add(new QueryResult(queries.get(q), overlap(rs, rt), averagePrecision(rs, rt)));
            }
        }
        double ov = results.stream().mapToDouble(QueryResult::overlap).average().orElse(Double.NaN);
        double map = results.stream()
                .mapToDouble(QueryResult::averagePrecision)
                .average()
                .orElse(Double.NaN);
        return new Report(n, cos / n, agreement, Math.min(topN, n), ov, map, results, skipped);
    }

    /** The indices of the k best images for a query, best first (ties by index). */
    static int[] ranking(float[] query, List<float[]> images, int k) {
        Integer[] idx = new Integer[images.size()];
        double[] score = new double[images.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
            score[i] = Clip.cosine(query, images.get(i));
        }
        Arrays.sort(idx, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }

    static double overlap(int[] student, int[] teacher) {
        Set<Integer> t = new HashSet<>();
        for (int x : teacher) t.add(x);
        int hit = 0;
        for (int x : student) if (t.contains(x)) hit++;
        return (double) hit / teacher.length;
    }

    static double averagePrecision(int[] student, int[] teacher) {
        Set<Integer> relevant = new HashSet<>();
        for (int x : teacher) relevant.add(x);
        double sum = 0;
        int hits = 0;
        for (int k = 0; k < student.length; k++) {
            if (relevant.contains(student[k])) {
                hits++;
                sum += (double) hits / (k + 1);
            }
        }
        return sum / teacher.length;
    }
}
