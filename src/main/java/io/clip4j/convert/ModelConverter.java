package io.clip4j.convert;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.checkpoint.SafeTensorsWriter;
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
        try (Checkpoint c = CheckpointLoader.load(model)) {
            return write(c, out, dtype, "clip4j convert of " + model.getFileName());
        }
    }

    public static Result write(Checkpoint c, Path out, WeightDType dtype, String producer) {
        Path absOut = out.toAbsolutePath().normalize();
        if (absOut.equals(c.source().toAbsolutePath().normalize())) {
            throw new Clip4jException(out + ": is the model being converted; choose another --out");
        }
        try {
            Files.createDirectories(absOut);
        } catch (IOException e) {
            throw new Clip4jException(out + ": cannot create the folder (" + e.getMessage() + ")");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt", "producer", producer, "dtype", dtype.word()));
        if (dtype.quant != null) metadata.put(QuantizedTensors.SCHEME_KEY, dtype.quant.id);
        long params = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (Map.Entry<String, int[]> e : ExpectedTensors.of(c.config()).entrySet()) {
                Tensor t = c.weights().get(e.getKey());
                if (t == null) throw new Clip4jException(c.source() + ": no tensor '" + e.getKey() + "'");
                t = t.reshaped(e.getValue());
                if (dtype.quant != null && QuantizedTensors.quantised(e.getKey(), e.getValue())) {
                    tensors.putAll(QuantizedTensors.quantise(e.getKey(), t, dtype.quant, arena));
                    Map.Entry<String, String> shape = QuantizedTensors.shapeEntry(e.getKey(), e.getValue());
                    metadata.put(shape.getKey(), shape.getValue());
                } else {
                    tensors.put(e.getKey(), dtype.convert(t, arena));
                }
                params += t.numel();
            }
            Path file = absOut.resolve(TrainCheckpoint.MODEL_FILE);
            SafeTensorsWriter.write(file, tensors, metadata);
            TrainCheckpoint.writeJson(absOut.resolve(TrainCheckpoint.CONFIG_FILE), TrainCheckpoint.openClipConfig(c.config()));
            return new Result(absOut, Files.size(file), params, dtype);
        } catch (IOException e) {
            throw new Clip4jException(out + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
