package io.clip4j.distill;

import io.clip4j.api.Clip;
import io.clip4j.data.Batch;
import io.clip4j.train.Objective;
import io.clip4j.train.TrainableClip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One distillation step: the teacher's unit embeddings of the batch (from the {@link TeacherCache} when the crop was
 * seen before, else from the teacher on the fast inference path), the anchors, the student tower's forward pass,
 * {@link DistillLoss} and the backward pass.
 *
 * <p>Anchors (the rows the KL compares over): for the image tower, the teacher's text embeddings of the batch's
 * captions when the data has captions, else the teacher's image embeddings of the batch; for the text tower, the
 * teacher's image embeddings of the batch; in both cases followed by the prompt bank, if any.
 */
public final class DistillObjective implements Objective {
    /** The loss settings: temperature until {@code switchEpoch}, then {@code finalTemperature}; L1 weight λ. */
    public record LossSettings(double temperature, double finalTemperature, int switchEpoch, double l1Weight) {
        public double temperatureAt(int epoch) {
            return epoch < switchEpoch ? temperature : finalTemperature;
        }
    }

    private final Clip teacher;
    private final Tower tower;
    private final LossSettings loss;
    private final boolean captions;
    private final float[] promptBank; // [p, embed] unit, may be empty
    private final TeacherEmbeddings teacherImages;
    private final double scale;
    private final int embed;

    /**
     * @param captions   whether the data's captions are anchors (image tower) — false for unlabelled images
     * @param promptBank the teacher's unit text embeddings of extra anchors, [p, embed] flat
     */
    public DistillObjective(
            Clip teacher,
            Tower tower,
            LossSettings loss,
            boolean captions,
            float[] promptBank,
            TeacherEmbeddings teacherImages) {
        this.teacher = teacher;
        this.tower = tower;
        this.loss = loss;
        this.captions = captions;
        this.promptBank = promptBank;
        this.teacherImages = teacherImages;
        this.scale = Math.min(100, teacher.logitScaleExp());
        this.embed = teacher.embedDim();
    }

    @Override
    public float lossAndGradients(TrainableClip model, Batch b) {
        int n = b.size();
        float[] images = teacherImages.of(b);
        float[] target, anchors, student;
        if (tower == Tower.IMAGE) {
            target = images;
            anchors = captions ? texts(b.tokens()) : images;
            student = model.imageForward(b.pixels(), n);
        } else {
            target = texts(b.tokens());
            anchors = images;
            student = model.textForward(b.tokens());
        }
        anchors = withBank(anchors);
        int m = anchors.length / embed;
        DistillLoss.Result r = DistillLoss.compute(
                student, target, anchors, n, m, embed, scale, loss.temperatureAt(b.epoch()), loss.l1Weight());
        if (Double.isFinite(r.loss())) {
            if (tower == Tower.IMAGE) model.imageBackward(r.gradient(), n);
            else model.textBackward(r.gradient());
        }
        return (float) r.loss();
    }

    /** A token row as a map key. */
    private record Row(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && Arrays.equals(ids, r.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    /** Recent captions' teacher text embeddings: captions repeat across epochs (and within a batch), texts need no crop. */
    private final Map<Row, float[]> recentTexts = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Row, float[]> e) {
            return size() > TEXT_MEMO;
        }
    };

    private static final int TEXT_MEMO = 8192;

    /** The teacher's unit text embeddings of the rows, [rows, embed] flat. */
    private float[] texts(int[][] tokens) {
        float[] out = new float[tokens.length * embed];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            float[] v = recentTexts.get(new Row(tokens[i]));
            if (v != null) System.arraycopy(v, 0, out, i * embed, embed);
            else missing.add(i);
        }
        if (!missing.isEmpty()) {
            int[][] rows = new int[missing.size()][];
            for (int m = 0; m < rows.length; m++) rows[m] = tokens[missing.get(m)];
            float[][] v = teacher.embedTokens(rows);
            for (int m = 0; m < rows.length; m++) {
                float[] unit = Clip.normalize(v[m]);
                System.arraycopy(unit, 0, out, missing.get(m) * embed, embed);
                recentTexts.put(new Row(rows[m]), unit);
            }
        }
        return out;
    }

    private float[] withBank(float[] anchors) {
        if (promptBank.length == 0) return anchors;
        float[] all = new float[anchors.length + promptBank.length];
        System.arraycopy(anchors, 0, all, 0, anchors.length);
        System.arraycopy(promptBank, 0, all, anchors.length, promptBank.length);
        return all;
    }

    static float[] flat(float[][] rows) {
        if (rows.length == 0) return new float[0];
        int e = rows[0].length;
        float[] out = new float[rows.length * e];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * e, e);
        return out;
    }

    @Override
    public Predicate<String> trainable() {
        return tower::owns;
    }

    @Override
    public String name() {
        return "distill " + tower.word();
    }
}
