package io.clip4j.zeroshot;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Zero-shot classification as in the paper: every class name goes into every template, the prompt embeddings
 * are normalised and averaged, the mean renormalised; an image's logits are exp(logit_scale) * cos against
 * those class vectors, and a softmax gives probabilities.
 */
public final class ZeroShotClassifier {
    /** A class and its probability. */
    public record Prediction(String label, float prob) {}

    private final Clip clip;
    private final List<String> labels;
    private final float[][] classVectors;

    public ZeroShotClassifier(Clip clip, List<String> labels, List<String> templates) {
        if (labels.isEmpty()) throw new Clip4jException("no labels given");
        if (templates.isEmpty()) throw new Clip4jException("no templates given");
        this.clip = clip.with(clip.options().withNormalize(true));
        this.labels = List.copyOf(labels);
        List<String> prompts = new ArrayList<>(labels.size() * templates.size());
        for (String label : labels) for (String t : templates) prompts.add(PromptTemplates.fill(t, label));
        float[][] emb = this.clip.embedTexts(prompts);
        int e = clip.embedDim();
        classVectors = new float[labels.size()][];
        for (int c = 0; c < labels.size(); c++) {
            float[] mean = new float[e];
            for (int t = 0; t < templates.size(); t++) {
                float[] v = emb[c * templates.size() + t];
                for (int i = 0; i < e; i++) mean[i] += v[i];
            }
            for (int i = 0; i < e; i++) mean[i] /= templates.size();
            classVectors[c] = Clip.normalize(mean);
        }
    }

    public List<String> labels() {
        return labels;
    }

    /** The unit class vectors, [labels][embedDim]. */
    public float[][] classVectors() {
        return Arrays.stream(classVectors).map(float[]::clone).toArray(float[][]::new);
    }

    /** Probabilities over all labels for one image embedding (normalised here if it is not). */
    public float[] probabilities(float[] imageEmbedding) {
        float[] img = Clip.normalize(imageEmbedding);
        float scale = clip.logitScaleExp();
        float[] logits = new float[classVectors.length];
        for (int c = 0; c < logits.length; c++) {
            double dot = 0;
            for (int i = 0; i < img.length; i++) dot += (double) img[i] * classVectors[c][i];
            logits[c] = (float) (scale * dot);
        }
        return Clip.softmax(new float[][] {logits})[0];
    }

    /** The k most probable labels, best first (ties keep label order). */
    public List<Prediction> top(float[] imageEmbedding, int k) {
        float[] p = probabilities(imageEmbedding);
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -p[i]));
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, idx.length); i++) out.add(new Prediction(labels.get(idx[i]), p[idx[i]]));
        return out;
    }
}
