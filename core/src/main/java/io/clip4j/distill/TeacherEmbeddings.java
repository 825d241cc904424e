package io.clip4j.distill;

import io.clip4j.api.Clip;
import io.clip4j.data.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher's unit image embeddings of a batch's crops. With a {@link TeacherCache} of K crops per image, crop
 * k = epoch mod K of image i is looked up by (content hash of i, k) and only the missing ones are run through the
 * teacher (then stored); without one, the teacher runs on every crop.
 */
public final class TeacherEmbeddings {
    private final Clip teacher;
    private final TeacherCache cache; // may be null
    private final int crops;
    private final ImageKeys keys;
    private long computed, reused;

    TeacherEmbeddings(Clip teacher, TeacherCache cache, int crops, ImageKeys keys) {
        this.teacher = teacher;
        this.cache = cache;
        this.crops = crops;
        this.keys = keys;
    }

    /** [batch, embed] flat. */
    float[] of(Batch b) {
        int n = b.size(), e = teacher.embedDim(), img = b.pixels().length / Math.max(1, n);
        float[] out = new float[n * e];
        List<Integer> missing = new ArrayList<>();
        TeacherCache.Key[] k = new TeacherCache.Key[n];
        for (int j = 0; j < n; j++) {
            if (cache != null) {
                k[j] = new TeacherCache.Key(keys.of(b.indices()[j]), b.epoch() % crops);
                float[] v = cache.get(k[j]);
                if (v != null) {
                    System.arraycopy(v, 0, out, j * e, e);
                    reused++;
                    continue;
                }
            }
            missing.add(j);
        }
        if (!missing.isEmpty()) {
            float[] px = new float[missing.size() * img];
            for (int m = 0; m < missing.size(); m++)
                System.arraycopy(b.pixels(), missing.get(m) * img, px, m * img, img);
            float[][] v = teacher.embedPixels(px, missing.size());
            for (int m = 0; m < missing.size(); m++) {
                int j = missing.get(m);
                float[] unit = Clip.normalize(v[m]);
                System.arraycopy(unit, 0, out, j * e, e);
                if (cache != null) cache.put(k[j], unit);
            }
            computed += missing.size();
        }
        return out;
    }

    public long computed() {
        return computed;
    }

    public long reused() {
        return reused;
    }
}
