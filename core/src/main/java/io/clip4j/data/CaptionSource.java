package io.clip4j.data;

import java.util.Random;

/**
 * Image-caption pairs for training: a TSV/CSV file, a synthetic generator, or anything else. Implementations
 * are safe for concurrent readers (batches are prepared on several threads).
 */
public interface CaptionSource {

    /** Number of pairs. */
    int size();

    /** The caption of pair i. */
    String caption(int i);

    /** A short name for pair i's image in messages (its path, or "synthetic #i"). */
    String imageName(int i);

    /**
     * Pair i's image, preprocessed to 3 x resolution x resolution normalised floats (CHW). With {@code rng}
     * non-null, the training augmentation (random resized crop, scale 0.9-1.0 as open_clip) is applied using that
     * generator; with null, the evaluation preprocessing (resize shorter side + centre crop, as the reference).
     *
     * @throws io.clip4j.Clip4jException when the image is missing or unreadable (the trainer reports and skips it)
     */
    float[] pixels(int i, int resolution, float[] mean, float[] std, Random rng);
}
