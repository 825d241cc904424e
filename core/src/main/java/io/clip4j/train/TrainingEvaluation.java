package io.clip4j.train;

import io.clip4j.Clip4jException;
import io.clip4j.data.CaptionSource;
import io.clip4j.image.ImagePreprocessor;
import io.clip4j.model.ClipConfig;
import io.clip4j.probe.ClassFolders;
import io.clip4j.tokenizer.ClipTokenizer;
import io.clip4j.zeroshot.PromptTemplates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a training run measures from its current parameters, in-process (no checkpoint round trip):
 * image-text retrieval R@1/5/10 on validation pairs ({@link RetrievalMetrics}) and zero-shot top-1 on class
 * folders (the paper's recipe: every class name in every template, unit prompt features averaged and renormalised,
 * an image is assigned the class of highest cosine). Images get the evaluation preprocessing (no augmentation).
 * Images that cannot be read are reported once and left out. Not thread-safe (one run's thread).
 */
public final class TrainingEvaluation {
    private final CaptionSource val;
    private final ClassFolders zeroShot;
    private final List<String> templates;
    // preprocessed once: the evaluation transform does not change during a run
    private List<float[]> valPixels, zsPixels;
    private List<String> valCaptions;
    private List<Integer> zsLabels;

    /**
     * @param val       validation pairs, or null
     * @param zeroShot  class folders (class name = folder name), or null
     * @param templates prompt templates for the zero-shot classes
     */
    public TrainingEvaluation(CaptionSource val, ClassFolders zeroShot, List<String> templates) {
        if (val != null && val.size() < 2)
            throw new Clip4jException("the validation data needs at least 2 pairs, it has " + val.size());
        if (zeroShot != null && zeroShot.files().isEmpty())
            throw new Clip4jException(zeroShot.root() + ": no images in the class folders");
        this.val = val;
        this.zeroShot = zeroShot;
        this.templates = List.copyOf(templates);
    }

    public boolean isEmpty() {
        return val == null && zeroShot == null;
    }

    /**
     * @param chunk  rows per forward pass (the training batch: the model's buffers are already that large)
     * @param skipped receives (image, reason) for images that could not be read
     * @return metric name → value, retrieval metrics first, then {@code zeroshot_top1}
     */
    public Map<String, Double> evaluate(
            TrainableClip model, ClipTokenizer tokenizer, int chunk, BiConsumer<String, String> skipped) {
        Map<String, Double> m = new LinkedHashMap<>();
        ClipConfig c = model.config();
        if (val != null) {
            if (valPixels == null) {
                valPixels = new ArrayList<>();
                valCaptions = new ArrayList<>();
                for (int i = 0; i < val.size(); i++) {
                    try {
                        valPixels.add(val.pixels(i, c.imageResolution(), c.mean(), c.std(), null));
                        valCaptions.add(val.caption(i));
                    } catch (Clip4jException e) {
                        skipped.accept(val.imageName(i), e.getMessage());
                    }
                }
            }
            if (valPixels.size() >= 2) {
                m.putAll(RetrievalMetrics.compute(
                        imageFeatures(model, valPixels, chunk), textFeatures(model, tokenizer, valCaptions, chunk)));
            }
        }
        if (zeroShot != null) {
            Double top1 = zeroShotTop1(model, tokenizer, chunk, skipped);
            if (top1 != null) m.put("zeroshot_top1", top1);
        }
        return m;
    }

    private Double zeroShotTop1(
            TrainableClip model, ClipTokenizer tokenizer, int chunk, BiConsumer<String, String> skipped) {
        ClipConfig c = model.config();
        float[][] classes = classVectors(model, tokenizer, zeroShot.classes(), templates, chunk);
        if (zsPixels == null) {
            var pre = new ImagePreprocessor(c.imageResolution(), c.mean(), c.std());
            zsPixels = new ArrayList<>();
            zsLabels = new ArrayList<>();
            for (int i = 0; i < zeroShot.files().size(); i++) {
                try {
                    zsPixels.add(pre.preprocess(zeroShot.files().get(i)));
                    zsLabels.add(zeroShot.labels()[i]);
                } catch (Clip4jException e) {
                    skipped.accept(zeroShot.files().get(i).toString(), e.getMessage());
                }
            }
        }
        if (zsPixels.isEmpty()) return null;
        float[][] img = imageFeatures(model, zsPixels, chunk);
        int right = 0;
        for (int i = 0; i < img.length; i++) if (argmax(img[i], classes) == zsLabels.get(i)) right++;
        return (double) right / img.length;
    }

    /** Unit class vectors: the mean of each class's unit prompt features, renormalised. */
    public static float[][] classVectors(
            TrainableClip model, ClipTokenizer tokenizer, List<String> classes, List<String> templates, int chunk) {
        List<String> prompts = new ArrayList<>();
        for (String label : classes) for (String t : templates) prompts.add(PromptTemplates.fill(t, label));
        float[][] emb = textFeatures(model, tokenizer, prompts, chunk);
        int e = model.config().embedDim();
        float[][] out = new float[classes.size()][];
        for (int k = 0; k < classes.size(); k++) {
            float[] mean = new float[e];
            for (int t = 0; t < templates.size(); t++) {
                float[] v = emb[k * templates.size() + t];
                for (int i = 0; i < e; i++) mean[i] += v[i];
            }
            out[k] = unit(mean);
        }
        return out;
    }

    static int argmax(float[] x, float[][] classes) {
        int best = 0;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes.length; k++) {
            double d = 0;
            for (int i = 0; i < x.length; i++) d += (double) x[i] * classes[k][i];
            if (d > bestDot) {
                bestDot = d;
                best = k;
            }
        }
        return best;
    }

    /** Unit image features from the model's own forward pass, {@code chunk} images at a time. */
    public static float[][] imageFeatures(TrainableClip model, List<float[]> pixels, int chunk) {
        int e = model.config().embedDim(), img = pixels.isEmpty() ? 0 : pixels.get(0).length;
        float[][] out = new float[pixels.size()][];
        for (int s = 0; s < pixels.size(); s += chunk) {
            int n = Math.min(chunk, pixels.size() - s);
            float[] batch = new float[n * img];
            for (int j = 0; j < n; j++) System.arraycopy(pixels.get(s + j), 0, batch, j * img, img);
            float[] f = model.imageFeatures(batch, n);
            for (int j = 0; j < n; j++) out[s + j] = unit(Arrays.copyOfRange(f, j * e, (j + 1) * e));
        }
        return out;
    }

    /** Unit text features (texts longer than the context are truncated, EOT kept). */
    public static float[][] textFeatures(TrainableClip model, ClipTokenizer tokenizer, List<String> texts, int chunk) {
        int e = model.config().embedDim(), ctx = model.config().contextLength();
        float[][] out = new float[texts.size()][];
        for (int s = 0; s < texts.size(); s += chunk) {
            int n = Math.min(chunk, texts.size() - s);
            int[][] tokens = new int[n][];
            for (int j = 0; j < n; j++) tokens[j] = tokenizer.tokenize(texts.get(s + j), ctx, true);
            float[] f = model.textFeatures(tokens);
            for (int j = 0; j < n; j++) out[s + j] = unit(Arrays.copyOfRange(f, j * e, (j + 1) * e));
        }
        return out;
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }
}
