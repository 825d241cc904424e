package io.clip4j.train;

import io.clip4j.data.Batch;
import java.util.function.Predicate;

/**
 * What a training step minimises: the contrastive loss of CLIP ({@link ContrastiveObjective}), a distillation loss
 * against a teacher, ... It fills the gradients of the parameters it trains and returns the loss; the run's
 * optimizer then updates the parameters its filter selects.
 */
public interface Objective {
    /**
     * Forward and backward pass over one batch.
     *
     * @return the loss before the update (NaN or infinite: the run stops, nothing is updated)
     */
    float lossAndGradients(TrainableClip model, Batch batch);

    /** The parameters the optimizer updates (by state-dict name). */
    Predicate<String> trainable();

    /** A short name recorded in the training state ("contrastive", "distill image", ...). */
    String name();
}
