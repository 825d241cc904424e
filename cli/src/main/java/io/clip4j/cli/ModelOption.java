package io.clip4j.cli;

import io.clip4j.api.Clip;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --model PATH|REPO_ID}, {@code --max-pixels N}, {@code --batch N} and {@code --half}. */
public final class ModelOption {
    static final String MODEL_HELP =
            "Model folder or file (Hugging Face or open_clip folder, .safetensors, torch .bin/.pt), "
                    + "or a Hugging Face repository id such as openai/clip-vit-base-patch32, downloaded into the cache on first use.";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Not required by the parser, so that 'clip4j index' can fall back on the index's model; {@link #path} requires it. */
    @Option(
            names = {"-m", "--model"},
            paramLabel = "PATH|REPO_ID",
            description = MODEL_HELP)
    String model;

    @Option(
            names = "--max-pixels",
            paramLabel = "N",
            defaultValue = "89478485",
            description =
                    "Refuse images with more pixels than this before decoding (default: ${DEFAULT-VALUE}, as Pillow).")
    long maxPixels;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "16",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--half", description = "Keep weights in memory as fp16 (half the memory; fp32 arithmetic).")
    boolean half;

    /** The usage errors of these options (exit status 2), before anything is loaded. */
    void validate() {
        if (model == null) throw Usage.error(command, "Missing required option: '--model=PATH|REPO_ID'");
        validateLimits();
    }

    /** As {@link #validate} for a command that may do without --model. */
    void validateLimits() {
        Usage.require(maxPixels >= 1, command, "--max-pixels must be positive, got " + maxPixels);
        Usage.require(batch >= 1, command, "--batch must be at least 1, got " + batch);
    }

    /** The model's local folder or file (a repository id is resolved through the download cache). */
    Path path() {
        if (model == null) throw Usage.error(command, "Missing required option: '--model=PATH|REPO_ID'");
        return ModelRefs.resolve(command, model);
    }

    Clip load(boolean normalize, boolean truncate) {
        return load(path(), normalize, truncate);
    }

    Clip load(Path path, boolean normalize, boolean truncate) {
        validateLimits();
        return Clip.load(
                path,
                Clip.Options.defaults()
                        .withMaxPixels(maxPixels)
                        .withBatchSize(batch)
                        .withNormalize(normalize)
                        .withTruncate(truncate)
                        .withHalfWeights(half));
    }
}
