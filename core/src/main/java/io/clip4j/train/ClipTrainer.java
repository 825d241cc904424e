package io.clip4j.train;

import io.clip4j.data.Batch;
import java.util.function.Predicate;

/**
 * One optimisation step at a time: forward + backward of the objective (CLIP's contrastive loss unless told
 * otherwise), learning rate from the schedule, AdamW update, then logit_scale clamped to [0, ln 100] as open_clip
 * does after every step. With {@code lockImage} (LiT) the image tower gets no gradient and no update.
 */
public final class ClipTrainer {
    public static final float LOGIT_SCALE_MAX = (float) Math.log(100);

    private final TrainableClip model;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final boolean lockImage;
    private final Objective objective;
    private double lastLr;

    public ClipTrainer(TrainableClip model, AdamW optimizer, LrSchedule schedule) {
        this(model, optimizer, schedule, false);
    }

    /**
     * @param optimizer must not update visual.* when {@code lockImage} (build it with a predicate that excludes them,
     *                  e.g. {@link #trainable(boolean)})
     */
    public ClipTrainer(TrainableClip model, AdamW optimizer, LrSchedule schedule, boolean lockImage) {
        this(model, optimizer, schedule, new ContrastiveObjective(lockImage));
    }

    /** @param optimizer must update only what {@code objective} trains (build it with its filter) */
    public ClipTrainer(TrainableClip model, AdamW optimizer, LrSchedule schedule, Objective objective) {
        if (optimizer.trainableNames().stream()
                .anyMatch(n -> !objective.trainable().test(n))) {
            throw new IllegalArgumentException(
                    objective.name() + ": the optimizer updates parameters the objective does not train");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.objective = objective;
        this.lockImage = objective instanceof ContrastiveObjective c && c.lockImage();
    }

    public Objective objective() {
        return objective;
    }

    /** The parameter filter for an optimizer: all, or all but the image tower. */
    public static Predicate<String> trainable(boolean lockImage) {
        return lockImage ? n -> !n.startsWith("visual.") : n -> true;
    }

    public TrainableClip model() {
        return model;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    public boolean lockImage() {
        return lockImage;
    }

    /** Steps completed so far (the next step's 0-based index). */
    public long stepCount() {
        return optimizer.stepCount();
    }

    /** The learning rate of the last step. */
    public double lastLr() {
        return lastLr;
    }

    /**
     * One training step on a batch.
     *
     * @param pixels batch x 3 x R x R preprocessed images
     * @param tokens batch token rows
     * @return the loss before the update
     * @throws NonFiniteLossException when the loss is NaN or infinite (nothing is updated)
     */
    public float step(float[] pixels, int[][] tokens, int batch) {
        return step(pixels, tokens, batch, schedule.lr(optimizer.stepCount()));
    }

    /** One contrastive step at learning rate {@code lr}. */
    public float step(float[] pixels, int[][] tokens, int batch, double lr) {
        return step(new Batch(pixels, tokens, batch, new int[0], 0), lr);
    }

    /** One step of the objective at learning rate {@code lr} (a run with a time budget decides it: {@link RunSchedule}). */
    public float step(Batch batch, double lr) {
        long index = optimizer.stepCount();
        float loss = objective.lossAndGradients(model, batch);
        if (!Float.isFinite(loss)) throw new NonFiniteLossException(index, loss);
        lastLr = lr;
        optimizer.step(model.parameters(), model.gradients(), lastLr);
        float[] scale = model.parameters().get("logit_scale");
        scale[0] = Math.min(Math.max(scale[0], 0f), LOGIT_SCALE_MAX);
        return loss;
    }
}
