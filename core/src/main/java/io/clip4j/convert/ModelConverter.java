package io.clip4j.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.checkpoint.Towers;
import io.clip4j.quant.QuantScheme;
import io.clip4j.quant.QuantizedTensors;
import io.clip4j.tensor.Tensor;
import io.clip4j.tokenizer.ClipTokenizer;
import io.clip4j.train.TrainCheckpoint;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes any model clip4j loads in a chosen weight format ({@link WeightDType}), layout ({@link Layout}) and set of
 * towers ({@link Towers}). Only the tensors of the reference model are written (a training checkpoint's optimizer
 * state or extra buffers are left behind). Every file records {@code clip4j.model_id}: the weight fingerprint of the
 * whole converted model, so both halves of a split model carry the same identity.
 */
public final class ModelConverter {
    /** What was written: the folder (or, for the openai layout, the file) and the weight file's size. */
    public record Result(Path folder, long bytes, long parameters, WeightDType dtype) {}

    private ModelConverter() {}

    public static Result convert(Path model, Path out, WeightDType dtype) {
        return convert(model, out, dtype, Towers.BOTH, Layout.OPEN_CLIP);
    }

    public static Result convert(Path model, Path out, WeightDType dtype, Towers towers, Layout layout) {
        try (Checkpoint c = CheckpointLoader.load(model)) {
            return write(c, out, dtype, towers, layout, "clip4j convert of " + model.getFileName());
        }
    }

    public static Result write(Checkpoint c, Path out, WeightDType dtype, String producer) {
        return write(c, out, dtype, Towers.BOTH, Layout.OPEN_CLIP, producer);
    }

    /** The reason these options cannot be combined (whatever the model), or null. */
    public static String refusal(Path out, WeightDType dtype, Layout layout) {
        if (layout == Layout.HF && dtype.quant != null)
            return "--layout hf stores float weights (f32, f16 or bf16), not " + dtype.word();
        if (layout == Layout.OPENAI && !out.getFileName().toString().endsWith(".safetensors")) {
            return "--layout openai writes one file: --out must end in .safetensors";
        }
        return null;
    }

    public static Result write(
            Checkpoint c, Path out, WeightDType dtype, Towers towers, Layout layout, String producer) {
        Path absOut = out.toAbsolutePath().normalize();
        if (absOut.equals(c.source().toAbsolutePath().normalize())) {
            throw new Clip4jException(out + ": is the model being converted; choose another --out");
        }
        if (c.towers() != Towers.BOTH) {
            throw new Clip4jException(
                    c.source() + ": holds only the " + c.towers().word() + " tower; convert the whole model");
        }
        String refused = refusal(out, dtype, layout);
        if (refused != null) throw new Clip4jException(refused);
        if (layout == Layout.HF && !c.config().isVit()) {
            throw new Clip4jException(
                    c.source() + ": --layout hf: transformers' CLIPModel has no ModifiedResNet image tower");
        }
        Path dir = layout == Layout.OPENAI ? absOut.getParent() : absOut;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Clip4jException(dir + ": cannot create the folder (" + e.getMessage() + ")");
        }
        Map<String, Tensor> stored = new LinkedHashMap<>(), loaded = new LinkedHashMap<>();
        Map<String, String> metadata =
                new LinkedHashMap<>(Map.of("format", "pt", "producer", producer, "dtype", dtype.word()));
        if (dtype.quant != null) metadata.put(QuantizedTensors.SCHEME_KEY, dtype.quant.id);
        long params = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (Map.Entry<String, int[]> e : ExpectedTensors.of(c.config()).entrySet()) {
                String name = e.getKey();
                Tensor t = c.weights().get(name);
                if (t == null) throw new Clip4jException(c.source() + ": no tensor '" + name + "'");
                t = t.reshaped(e.getValue());
                QuantScheme scheme = dtype.schemeOf(name, e.getValue());
                if (scheme != null) {
                    Map<String, Tensor> parts = QuantizedTensors.quantise(name, t, scheme, arena);
                    loaded.put(name, QuantizedTensors.folded(name, e.getValue(), scheme, parts));
                    if (!towers.includes(name)) continue;
                    stored.putAll(parts);
                    Map.Entry<String, String> shape = QuantizedTensors.shapeEntry(name, e.getValue());
                    metadata.put(shape.getKey(), shape.getValue());
                    if (scheme != dtype.quant) {
                        Map.Entry<String, String> own = QuantizedTensors.schemeEntry(name, scheme);
                        metadata.put(own.getKey(), own.getValue());
                    }
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
            ObjectNode openClipConfig = TrainCheckpoint.openClipConfig(c.config());
            Path file = switch (layout) {
                case OPEN_CLIP -> {
                    Path f = absOut.resolve(TrainCheckpoint.MODEL_FILE);
                    SafeTensorsWriter.write(f, stored, metadata);
                    TrainCheckpoint.writeJson(absOut.resolve(TrainCheckpoint.CONFIG_FILE), openClipConfig);
                    yield f;
                }
                case OPENAI -> {
                    metadata.put(CheckpointLoader.CONFIG_KEY, openClipConfig.toString());
                    SafeTensorsWriter.write(absOut, stored, metadata);
                    yield absOut;
                }
                case HF -> writeHuggingFace(c, absOut, HuggingFaceLayout.tensors(stored, arena), metadata, dtype);
            };
            return new Result(absOut, Files.size(file), params, dtype);
        } catch (IOException e) {
            throw new Clip4jException(out + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static Path writeHuggingFace(
            Checkpoint c, Path dir, Map<String, Tensor> tensors, Map<String, String> metadata, WeightDType dtype)
            throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(f, tensors, metadata);
        String torchDtype = switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            default -> "float16";
        };
        TrainCheckpoint.writeJson(dir.resolve("config.json"), HuggingFaceLayout.config(c.config(), torchDtype));
        TrainCheckpoint.writeJson(dir.resolve("preprocessor_config.json"), HuggingFaceLayout.preprocessor(c.config()));
        TrainCheckpoint.writeJson(dir.resolve("tokenizer_config.json"), HuggingFaceLayout.tokenizerConfig(c.config()));
        if (c.vocabJson() != null && c.mergesTxt() != null) {
            Files.copy(c.vocabJson(), dir.resolve("vocab.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(c.mergesTxt(), dir.resolve("merges.txt"), StandardCopyOption.REPLACE_EXISTING);
        } else {
            ClipTokenizer.writeOpenAiFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        }
        return f;
    }
}
