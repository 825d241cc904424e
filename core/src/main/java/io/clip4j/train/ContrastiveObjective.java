package io.clip4j.train;

import io.clip4j.data.Batch;
import java.util.function.Predicate;

/** CLIP's symmetric contrastive loss over a batch of pairs; with {@code lockImage} (LiT) the image tower is frozen. */
public record ContrastiveObjective(boolean lockImage) implements Objective {
    @Override
    public float lossAndGradients(TrainableClip model, Batch batch) {
        return model.lossAndGradients(batch.pixels(), batch.tokens(), batch.size(), lockImage);
    }

    @Override
    public Predicate<String> trainable() {
        return ClipTrainer.trainable(lockImage);
    }

    @Override
    public String name() {
        return lockImage ? "contrastive, image tower locked" : "contrastive";
    }
}
