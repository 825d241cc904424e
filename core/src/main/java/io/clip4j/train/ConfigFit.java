package io.clip4j.train;

import io.clip4j.model.ClipConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Whether a model config describes the same architecture as some weights: the fields that differ, by name. */
public final class ConfigFit {
    private ConfigFit() {}

    /**
     * The differences as "name A vs B" (A from {@code wanted}, B from {@code actual}); empty when the tensors of one
     * fit the other. Normalisation constants are not compared (they are preprocessing, not weights).
     */
    public static List<String> differences(ClipConfig wanted, ClipConfig actual) {
        List<String> d = new ArrayList<>();
        diff(d, "embed_dim", wanted.embedDim(), actual.embedDim());
        diff(d, "vision image_size", wanted.imageResolution(), actual.imageResolution());
        if (!Arrays.equals(wanted.visionLayers(), actual.visionLayers())) {
            d.add("vision layers " + layers(wanted) + " vs " + layers(actual));
        }
        diff(d, "vision width", wanted.visionWidth(), actual.visionWidth());
        diff(d, "vision patch_size", wanted.visionPatchSize(), actual.visionPatchSize());
        diff(d, "vision heads", wanted.visionHeads(), actual.visionHeads());
        diff(d, "text context_length", wanted.contextLength(), actual.contextLength());
        diff(d, "text vocab_size", wanted.vocabSize(), actual.vocabSize());
        diff(d, "text width", wanted.textWidth(), actual.textWidth());
        diff(d, "text heads", wanted.textHeads(), actual.textHeads());
        diff(d, "text layers", wanted.textLayers(), actual.textLayers());
        if (wanted.quickGelu() != actual.quickGelu())
            d.add("quick_gelu " + wanted.quickGelu() + " vs " + actual.quickGelu());
        return d;
    }

    private static String layers(ClipConfig c) {
        return c.visionLayers().length == 1 ? Integer.toString(c.visionLayers()[0]) : Arrays.toString(c.visionLayers());
    }

    private static void diff(List<String> d, String name, int a, int b) {
        if (a != b) d.add(name + " " + a + " vs " + b);
    }
}
