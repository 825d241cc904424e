package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded checkpoint, in one canonical form whatever the file layout was.
 *
 * @param weights   every tensor under OpenAI's state-dict names and layouts ({@code visual.conv1.weight},
 *                  {@code transformer.resblocks.0.attn.in_proj_weight}, {@code text_projection} as [width, embed],
 *                  {@code visual.proj} as [width, embed], {@code logit_scale} ...)
 * @param config    the architecture (from a config file or inferred from tensor shapes)
 * @param format    "huggingface", "open_clip", "safetensors" or "torch"
 * @param source    the path the user gave
 * @param fileBytes total size of the weight files
 * @param vocabJson the model folder's vocab.json, or null (then the bundled OpenAI vocabulary is used)
 * @param mergesTxt the model folder's merges.txt, or null
 * @param towers    which towers the file holds (one only when written by {@code clip4j convert --tower})
 * @param modelId   the model identity recorded by {@code clip4j convert} (shared by the two halves of a split model),
 *                  or null: then it is computed from the weights (see {@code ModelIdentity})
 * @param storage   closes the file mappings; the weights are invalid afterwards
 */
public record Checkpoint(
        Map<String, Tensor> weights,
        ClipConfig config,
        String format,
        Path source,
        long fileBytes,
        Path vocabJson,
        Path mergesTxt,
        Towers towers,
        String modelId,
        AutoCloseable storage)
        implements AutoCloseable {

    public static final String MODEL_ID_KEY = "clip4j.model_id";

    /** Refuses, in one line, a use that needs a tower this file does not hold. */
    public void require(Towers needed, String what) {
        if ((needed.hasImage() && !towers.hasImage()) || (needed.hasText() && !towers.hasText())) {
            throw new Clip4jException(source + ": holds only the " + towers.word() + " tower; " + what + " needs the "
                    + (towers.hasImage() ? "text" : "image") + " tower (use the model's other half or a whole model)");
        }
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
