package io.clip4j.convert;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.checkpoint.Towers;
import io.clip4j.search.ModelIdentity;
import io.clip4j.quant.QuantizedTensors;
import io.clip4j.tensor.Tensor;
import io.clip4j.train.TrainCheckpoint;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes any model clip4j loads as an open_clip model folder ({@code open_clip_model.safetensors} under OpenAI's
 * state-dict names + {@code open_clip_config.json}) in a chosen float format. Only the tensors of the reference
 * model are written (a training checkpoint's optimizer state or extra buffers are left behind).
 */
public final class ModelConverter {
    /** What was written. */
    public record Result(Path folder, long bytes, long parameters, WeightDType dtype) {}

    private ModelConverter() {}

    public static Result convert(Path model, Path out, WeightDType dtype) {
        return convert(model, out, dtype, Towers.BOTH);
    }

    public static Result convert(Path model, Path out, WeightDType dtype, Towers towers) {
        try (Checkpoint c = CheckpointLoader.load(model)) {
            return write(c, out, dtype, towers, "clip4j convert of " + model.getFileName());
        }
    }

    public static Result write(Checkpoint c, Path out, WeightDType dtype, String producer) {
        return write(c, out, dtype, Towers.BOTH, producer);
    }

    /**
     * Writes {@code c} in {@code dtype}, only the tensors of {@code towers}. The whole model's weight fingerprint (of
     * the converted values) is recorded as {@code clip4j.model_id}, so both halves of a split model carry the same
     * identity.
     */
    public static Result write(Checkpoint c, Path out, WeightDType dtype, Towers towers, String producer) {
        Path absOut = out.toAbsolutePath().normalize();
        if (absOut.equals(c.source().toAbsolutePath().normalize())) {
            throw new Clip4jException(out + ": is the model being converted; choose another --out");
        }
        if (c.towers() != Towers.BOTH) {
            throw new Clip4jException(c.source() + ": holds only the " + c.towers().word() + " tower; convert the whole model");
        }
        try {
            Files.createDirectories(absOut);
        } catch (IOException e) {
            throw new Clip4jException(out + ": cannot create the folder (" + e.getMessage() + ")");
        }
        Map<String, Tensor> stored = new LinkedHashMap<>(), loaded = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt", "producer", producer, "dtype", dtype.word()));
        if (dtype.quant != null) metadata.put(QuantizedTensors.SCHEME_KEY, dtype.quant.id);
        long params = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (Map.Entry<String, int[]> e : ExpectedTensors.of(c.config()).entrySet()) {
                String name = e.getKey();
                Tensor t = c.weights().get(name);
                if (t == null) throw new Clip4jException(c.source() + ": no tensor '" + name + "'");
                t = t.reshaped(e.getValue());
                if (dtype.quant != null && QuantizedTensors.quantised(name, e.getValue())) {
                    Map<String, Tensor> parts = QuantizedTensors.quantise(name, t, dtype.quant, arena);
                    loaded.put(name, QuantizedTensors.folded(name, e.getValue(), dtype.quant, parts));
                    if (!towers.includes(name)) continue;
                    stored.putAll(parts);
                    Map.Entry<String, String> shape = QuantizedTensors.shapeEntry(name, e.getValue());
                    metadata.put(shape.getKey(), shape.getValue());
                } else {
                    Tensor converted = dtype.convert(t, arena);
                    loaded.put(name, converted);
                    if (!towers.includes(name)) continue;
                    stored.put(name, converted);
                }
                params += t.numel();
            }
            metadata.put(Checkpoint.MODEL_ID_KEY, ModelIdentity.fingerprint(loaded));
            if (towers != Towers.BOTH) metadata.put(Towers.METADATA_KEY, towers.word());
            Path file = absOut.resolve(TrainCheckpoint.MODEL_FILE);
            SafeTensorsWriter.write(file, stored, metadata);
            TrainCheckpoint.writeJson(absOut.resolve(TrainCheckpoint.CONFIG_FILE), TrainCheckpoint.openClipConfig(c.config()));
            return new Result(absOut, Files.size(file), params, dtype);
        } catch (IOException e) {
            throw new Clip4jException(out + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
