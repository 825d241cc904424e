package io.clip4j.quickstart;

import io.clip4j.Clip4jException;
import io.clip4j.data.SceneStyle;
import io.clip4j.data.SyntheticDataset;
import io.clip4j.data.SyntheticScene.Combo;
import io.clip4j.model.ClipConfig;
import java.util.List;
import java.util.Set;

/**
 * Everything the quickstart chooses: the synthetic data, the model shape and the optimisation. The standard recipe
 * was tuned on 2 cores for a 150 s budget (see the README's training section); {@link #tiny} is a seconds-long
 * version of the same pipeline for tests.
 *
 * @param imageSize    side of the written PNGs (the model sees them resized to its resolution)
 * @param dataCount    pairs written to data/train.tsv (training itself draws fresh scenes from the same generator)
 * @param perClass     images per class folder (seen and held-out combinations)
 * @param valCount     validation pairs for the retrieval metrics during training
 * @param evalEvery    steps between evaluations during training
 * @param style        the shapes' sizes and the captions' wording
 * @param sharedCaptions whether pairs of a batch with the same caption are one another's positives in the loss
 * @param maxSteps     training stops after this many steps even if time is left; -1 = the time budget alone
 */
public record QuickstartRecipe(
        ClipConfig model,
        int batch,
        double lr,
        int warmup,
        double weightDecay,
        double seconds,
        long seed,
        int imageSize,
        int dataCount,
        int perClass,
        int valCount,
        Set<Combo> holdout,
        List<String> templates,
        long evalEvery,
        SceneStyle style,
        boolean sharedCaptions,
        long maxSteps) {

    /** Held out of training: shown at test time only (their colours and shapes do appear, in other pairs). */
    public static final String HOLDOUT = "red circle,blue square,green triangle";

    /** The captions' own wordings ({@link SceneStyle#COMPACT}): "a red circle", "a small red circle", "a large ...". */
    public static final List<String> TEMPLATES = List.of("a {}", "a small {}", "a large {}");

    public QuickstartRecipe {
        if (!(seconds > 0)) throw new Clip4jException("--seconds must be positive, got " + seconds);
        if (maxSteps == 0 || maxSteps < -1) throw new Clip4jException("--max-steps must be positive, got " + maxSteps);
        holdout = Set.copyOf(holdout);
        templates = List.copyOf(templates);
    }

    /**
     * ViT: 16 px images, patch 4 (16 patches of 4 x 4), width 128, 3 layers, 4 heads; text: width 128, 1 layer,
     * context 24 (captions are at most 6 tokens; the context leaves room for longer queries); embedding 128;
     * batch 128; {@link SceneStyle#COMPACT} scenes; pairs with the same caption are positives of one another.
     *
     * <p>Measured on 2 cores with the same number of steps per run, 32 images per class
     * (bench/results/quickstart-recipe.md): colour is always right, shape is what limits. At 16 px the old shapes
     * (0.15 of the side when small) were indistinguishable blobs and the captions spent the contrastive signal on
     * position and background; compact scenes took seen pairs 35 % -> 89 % at 700 steps. Two pictures of one caption
     * in a batch are then common, and treating them as positives rather than negatives took the held-out pairs
     * 64 % -> 73 %. A one-layer text tower (nearly a bag of words: what composes "red" and "circle" it never saw
     * together) took them to 76 % at two thirds of the step's cost. With the vectorised exact GELU 150 s fit ~1300-1700
     * steps on a 2-vCPU Zen 4: seen pairs 97.5-98.8 %, held-out 73-92 % over seeds 0-4 (median 88.5 %).
     */
    public static QuickstartRecipe standard(double seconds, long seed) {
        ClipConfig c = new ClipConfig(
                128,
                16,
                new int[] {3},
                128,
                4,
                4,
                24,
                49408,
                128,
                4,
                1,
                false,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
        return new QuickstartRecipe(
                c,
                128,
                2e-3,
                20,
                0.1,
                seconds,
                seed,
                64,
                1000,
                32,
                200,
                SyntheticDataset.parseHoldout(HOLDOUT),
                TEMPLATES,
                100,
                SceneStyle.COMPACT,
                true,
                -1);
    }

    /** The same pipeline in seconds (tests): a one-layer model on 16 px images, little data. */
    public static QuickstartRecipe tiny(double seconds, long seed) {
        ClipConfig c = new ClipConfig(
                32,
                16,
                new int[] {1},
                32,
                8,
                2,
                24,
                49408,
                32,
                2,
                1,
                false,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
        return new QuickstartRecipe(
                c,
                8,
                1e-3,
                2,
                0.1,
                seconds,
                seed,
                16,
                16,
                1,
                8,
                SyntheticDataset.parseHoldout(HOLDOUT),
                TEMPLATES,
                100,
                SceneStyle.COMPACT,
                true,
                -1);
    }

    /**
     * The same recipe stopping after {@code steps} steps: with a generous time budget, a run that trains as many
     * steps as the standard budget fits on an unloaded machine, whatever the load of this one.
     */
    public QuickstartRecipe withMaxSteps(long steps) {
        return new QuickstartRecipe(
                model,
                batch,
                lr,
                warmup,
                weightDecay,
                seconds,
                seed,
                imageSize,
                dataCount,
                perClass,
                valCount,
                holdout,
                templates,
                evalEvery,
                style,
                sharedCaptions,
                steps);
    }
}
