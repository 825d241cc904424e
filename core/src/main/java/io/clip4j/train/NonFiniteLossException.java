package io.clip4j.train;

import io.clip4j.Clip4jException;

/** The loss of a batch was NaN or infinite; the parameters were left as they were before the step. */
public final class NonFiniteLossException extends Clip4jException {
    private final long step;
    private final float loss;

    public NonFiniteLossException(long step, float loss) {
        super("loss is " + loss + " at step " + step + "; the update was not applied (lower --lr or check the data)");
        this.step = step;
        this.loss = loss;
    }

    /** The loss value (NaN or ±infinity). */
    public float loss() {
        return loss;
    }

    /** The 0-based step whose loss was not finite. */
    public long step() {
        return step;
    }
}
