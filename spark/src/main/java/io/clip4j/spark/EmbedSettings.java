package io.clip4j.spark;

import io.clip4j.Clip4jException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What the executors need to embed: the model (a path that every executor can read: a shared or copied folder)
 * and the batch size. Shipped with each task, so it holds only these two values.
 *
 * @param model     the model folder or file, absolute (a relative path would mean another folder on an executor)
 * @param batchSize images or texts per forward pass
 */
public record EmbedSettings(String model, int batchSize) implements Serializable {
    public static final int DEFAULT_BATCH = 16;

    public EmbedSettings {
        if (model == null || model.isBlank()) throw new Clip4jException("no model: give the model's path");
        if (batchSize < 1) throw new Clip4jException("batch size must be at least 1, got " + batchSize);
    }

    /** The model at {@code model} (made absolute here, on the driver) with the default batch size. */
    public static EmbedSettings of(String model) {
        return of(model, DEFAULT_BATCH);
    }

    public static EmbedSettings of(String model, int batchSize) {
        if (model == null || model.isBlank()) throw new Clip4jException("no model: give the model's path");
        return new EmbedSettings(Path.of(model).toAbsolutePath().normalize().toString(), batchSize);
    }
}
