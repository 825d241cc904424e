package io.clip4j.train;

import io.clip4j.data.Batch;
import java.util.function.Predicate;

/**
 * CLIP's symmetric contrastive loss over a batch of pairs; with {@code lockImage} (LiT) the image tower is frozen.
 * With {@code sharedCaptions}, pairs of a batch whose captions are the same token sequence count as one another's
 * positives: a data set of few distinct captions (the quickstart's "a red circle") otherwise puts two pictures of
 * one caption in a batch as negatives of each other, and the loss then pushes apart what it should bring together.
 */
public record ContrastiveObjective(boolean lockImage, boolean sharedCaptions) implements Objective {
    public ContrastiveObjective(boolean lockImage) {
        this(lockImage, false);
    }

    @Override
    public float lossAndGradients(TrainableClip model, Batch batch) {
        return model.lossAndGradients(batch.pixels(), batch.tokens(), batch.size(), lockImage, sharedCaptions);
    }

    @Override
    public Predicate<String> trainable() {
        return ClipTrainer.trainable(lockImage);
    }

    @Override
    public String name() {
        String name = lockImage ? "contrastive, image tower locked" : "contrastive";
        return sharedCaptions ? name + ", shared captions" : name;
    }
}
