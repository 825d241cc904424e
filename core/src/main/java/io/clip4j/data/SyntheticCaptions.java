package io.clip4j.data;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticScene.Combo;
import io.clip4j.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic {@link CaptionSource} for offline training: pair i is a scene drawn from a generator seeded by
 * (seed, stream, i), so pairs are reproducible one by one, in any order and on any thread, without storing them.
 * Images are rendered at {@code imageSize} pixels square, then go through the same transforms as decoded files.
 * Immutable and thread-safe.
 */
public final class SyntheticCaptions implements CaptionSource {
    /** Stream numbers keep the training, validation and class-folder images of one seed apart. */
    public static final int TRAIN = 0;

    public static final int VAL = 1;
    public static final int CLASSES = 2;
    public static final int HELDOUT = 3;

    private final int count;
    private final long seed;
    private final int stream;
    private final int imageSize;
    private final SceneSampler sampler;

    /**
     * @param holdout         colour-shape pairs never drawn
     * @param wordProbability chance that a scene has a written word
     */
    public SyntheticCaptions(int count, long seed, int imageSize, Set<Combo> holdout, double wordProbability) {
        this(count, seed, imageSize, holdout, wordProbability, SceneStyle.DESCRIPTIVE);
    }

    public SyntheticCaptions(
            int count, long seed, int imageSize, Set<Combo> holdout, double wordProbability, SceneStyle style) {
        this(count, seed, TRAIN, imageSize, new SceneSampler(holdout, wordProbability, style));
    }

    SyntheticCaptions(int count, long seed, int stream, int imageSize, SceneSampler sampler) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0");
        if (imageSize < 8) throw new Clip4jException("synthetic image size must be at least 8, got " + imageSize);
        this.count = count;
        this.seed = seed;
        this.stream = stream;
        this.imageSize = imageSize;
        this.sampler = sampler;
    }

    /** The same generator on another stream (e.g. {@link #VAL}) with another count. */
    public SyntheticCaptions stream(int newStream, int newCount) {
        return new SyntheticCaptions(newCount, seed, newStream, imageSize, sampler);
    }

    static Random rng(long seed, int stream, long index) {
        return Seeds.random(seed, stream, index);
    }

    public SyntheticScene scene(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("pair " + i + " of " + count);
        return sampler.sample(rng(seed, stream, i));
    }

    /** The k-th scene of a given colour-shape pair (for class folders), independent of the count. */
    public SyntheticScene sceneOf(Combo combo, int k) {
        long index = ((long) combo.colour().ordinal() * SyntheticScene.Shape.values().length
                                + combo.shape().ordinal())
                        * 1_000_003L
                + k;
        return sampler.sample(rng(seed, stream, index), combo);
    }

    public BufferedImage image(int i) {
        return SceneRenderer.render(scene(i), imageSize);
    }

    public int imageSize() {
        return imageSize;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public String caption(int i) {
        return scene(i).caption();
    }

    @Override
    public String imageName(int i) {
        return "synthetic #" + i;
    }

    @Override
    public float[] pixels(int i, int resolution, float[] mean, float[] std, Random rng) {
        return ImageTransforms.pixels(ImageDecoder.fromBufferedImage(image(i)), resolution, mean, std, rng);
    }
}
