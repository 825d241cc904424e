package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed query terms into one unit query vector:
 * {@code normalize(sum sign * weight * unit(term))}, where a text term's vector is first moved by
 * {@code textness * direction} and re-normalised (so a term's weight means the same whatever the textness).
 */
public final class QueryEmbedder {
    private final Clip clip;
    private final TextnessDirection textness;
    private final TextBatcher batcher;

    /** Recent text embeddings: a repeated query (paging, the textness slider, popular searches) skips the model. */
    private final Map<String, float[]> recent = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> e) {
            return size() > 2048;
        }
    });

    private float[][] embedTexts(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = recent.get(texts.get(i));
            if (out[i] == null) missing.add(texts.get(i));
        }
        if (!missing.isEmpty()) {
            float[][] fresh = batcher.embed(missing);
            for (int i = 0, j = 0; i < out.length; i++) {
                if (out[i] == null) {
                    out[i] = fresh[j++];
                    recent.put(texts.get(i), out[i]);
                }
            }
        }
        float[][] copies = new float[out.length][];
        for (int i = 0; i < out.length; i++) copies[i] = out[i].clone();
        return copies;
    }

    /** The text encoder's shared batches (queries answered from the recent-embedding cache are not counted). */
    public SharedBatches textBatches() {
        return batcher.stats();
    }

    /** @param textness may be null (then a non-zero textness scale is an error) */
    public QueryEmbedder(Clip clip, TextnessDirection textness) {
        this.clip = clip;
        this.textness = textness;
        this.batcher = new TextBatcher(clip);
    }

    public float[] embed(List<QueryTerm> terms, float textnessScale) {
        if (textnessScale != 0 && textness == null) {
            throw new Clip4jException(
                    "--textness needs a textness direction: run 'clip4j textness fit --index DIR' or pass --textness-file");
        }
        if (!Float.isFinite(textnessScale)) throw new Clip4jException("--textness must be a finite number");
        List<String> texts = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (QueryTerm t : terms) {
            if (t.isImage()) images.add(t.image());
            else texts.add(t.text());
        }
        float[][] textVecs = embedTexts(texts);
        List<Clip.ImageResult> imageVecs = clip.embedImageFiles(images);
        int dim = clip.embedDim();
        double[] sum = new double[dim];
        int ti = 0, ii = 0;
        for (QueryTerm t : terms) {
            float[] v;
            if (t.isImage()) {
                Clip.ImageResult r = imageVecs.get(ii++);
                if (!r.ok()) throw new Clip4jException(r.error());
                v = Clip.normalize(r.embedding());
            } else {
                v = Clip.normalize(textVecs[ti++]);
                if (textnessScale != 0) {
                    float[] dir = textness.direction();
                    for (int i = 0; i < dim; i++) v[i] += textnessScale * dir[i];
                    v = Clip.normalize(v);
                }
            }
            double w = t.sign() * t.weight();
            for (int i = 0; i < dim; i++) sum[i] += w * v[i];
        }
        return unit(sum);
    }

    static float[] unit(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        if (!(s > 1e-24)) throw new Clip4jException("query: the terms cancel out (the query vector is zero)");
        double inv = 1 / Math.sqrt(s);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] * inv);
        return out;
    }
}
