package io.clip4j.spark;

import io.clip4j.api.Clip;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM, one per model path: an executor loads (memory-maps) a model once, on its first
 * task that needs it, and all its tasks share it (a {@link Clip} is thread-safe; each task gets a cheap
 * {@link Clip#with} view for its batch size). Models stay loaded for the life of the JVM, as an executor's
 * broadcast state would: a task never knows whether it is the last one.
 */
final class ExecutorModels {
    private static final Map<String, Clip> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {}

    /** The model of {@code settings}, loaded on first use in this JVM, with the settings' batch size. */
    static Clip get(EmbedSettings settings) {
        Clip shared = LOADED.computeIfAbsent(settings.model(), model -> {
            LOADS.incrementAndGet();
            return Clip.load(Path.of(model));
        });
        return shared.with(shared.options().withBatchSize(settings.batchSize()));
    }

    /** How many times a model was loaded in this JVM (for tests: once per model path). */
    static int loads() {
        return LOADS.get();
    }
}
