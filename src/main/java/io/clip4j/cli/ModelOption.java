package io.clip4j.cli;

import io.clip4j.api.Clip;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model PATH} and {@code --max-pixels N}. */
public final class ModelOption {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH",
            description = "Model folder or file: Hugging Face folder, open_clip folder, .safetensors, or torch .bin/.pt.")
    Path model;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "89478485",
            description = "Refuse images with more pixels than this before decoding (default: ${DEFAULT-VALUE}, as Pillow).")
    long maxPixels;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--half", description = "Keep weights in memory as fp16 (half the memory; fp32 arithmetic).")
    boolean half;

    Clip load(boolean normalize, boolean truncate) {
        if (maxPixels < 1) throw new io.clip4j.Clip4jException("--max-pixels must be positive, got " + maxPixels);
        return Clip.load(model, Clip.Options.defaults().withMaxPixels(maxPixels).withBatchSize(batch)
                .withNormalize(normalize).withTruncate(truncate).withHalfWeights(half));
    }
}
