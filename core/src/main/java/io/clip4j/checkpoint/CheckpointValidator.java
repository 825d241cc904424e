package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks a canonical state dict against the tensors its config needs, naming whatever disagrees. */
public final class CheckpointValidator {
    private static final int SHOWN = 5;

    private CheckpointValidator() {}

    public static void validate(String source, Map<String, Tensor> weights, ClipConfig config) {
        validate(source, weights, config, Towers.BOTH);
    }

    /** As {@link #validate(String, Map, ClipConfig)} for a file holding only {@code towers}. */
    public static void validate(String source, Map<String, Tensor> weights, ClipConfig config, Towers towers) {
        Map<String, int[]> expected = new LinkedHashMap<>(ExpectedTensors.of(config));
        expected.keySet().removeIf(k -> !towers.includes(k));
        List<String> missing = new ArrayList<>();
        for (String k : expected.keySet()) if (!weights.containsKey(k)) missing.add(k);
        List<String> unexpected = new ArrayList<>();
        for (String k : weights.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb =
                    new StringBuilder(source).append(": tensors do not match ").append(config.describe());
            if (!missing.isEmpty()) sb.append("; missing ").append(list(missing));
            if (!unexpected.isEmpty()) sb.append("; unexpected ").append(list(unexpected));
            throw new Clip4jException(sb.toString());
        }
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new Clip4jException(
                        source + ": tensor '" + Printable.of(e.getKey()) + "' has shape " + Arrays.toString(t.shape())
                                + " but " + config.describe() + " needs " + Arrays.toString(e.getValue()));
            }
            DType d = t.dtype();
            if (d != DType.F32 && d != DType.F16 && d != DType.BF16) {
                throw new Clip4jException(source + ": tensor '" + Printable.of(e.getKey()) + "' has dtype " + d
                        + "; weights must be F32, F16 or BF16");
            }
            // NaN or infinite weights make every output NaN: embed would print "NaN"s and exit 0.
            long bad = t.firstNonFinite();
            if (bad >= 0) {
                throw new Clip4jException(
                        source + ": tensor '" + Printable.of(e.getKey()) + "' holds a non-finite value ("
                                + t.getFloat(bad) + " at element " + bad + "); the checkpoint is corrupt");
            }
        }
    }

    private static String list(List<String> names) {
        String shown = String.join(
                ", ",
                names.subList(0, Math.min(SHOWN, names.size())).stream()
                        .map(Printable::of)
                        .toList());
        return names.size() + " tensor" + (names.size() == 1 ? "" : "s") + " (" + shown
                + (names.size() > SHOWN ? ", ..." : "") + ")";
    }
}
