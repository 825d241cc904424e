package io.clip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.quant.QuantizedTensors;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the CLIP checkpoints people have (OpenAI .pt, torch.save state dicts, safetensors, open_clip and Hugging
 * Face folders) into one canonical {@link Checkpoint}: OpenAI names and layouts, memory-mapped, dtypes as stored.
 * Nothing in a file is ever executed.
 */
public final class CheckpointLoader {
    private static final String EXPECTED = "expected a Hugging Face folder with config.json, an open_clip folder with "
            + "open_clip_config.json, a .safetensors file, or a torch .pt/.pth/.bin file";

    private CheckpointLoader() {}

    public static Checkpoint load(Path path) {
        if (!Files.exists(path)) throw new Clip4jException(path + ": no such file or directory");
        Resources res = new Resources();
        try {
            Checkpoint c;
            if (Files.isDirectory(path)) {
                if (Files.isRegularFile(path.resolve("open_clip_config.json"))) c = openClip(path, res);
                else if (Files.isRegularFile(path.resolve("config.json"))) c = huggingFace(path, res);
                else throw new Clip4jException(path + ": not a CLIP checkpoint (" + EXPECTED + ")");
            } else {
                String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".safetensors")) c = bare(path, "safetensors", res);
                else if (isZip(path) || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin"))
                    c = bare(path, "torch", res);
                else throw new Clip4jException(path + ": not a CLIP checkpoint (" + EXPECTED + ")");
            }
            return c;
        } catch (RuntimeException e) {
            res.close();
            throw e;
        }
    }

    private static boolean isZip(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() < 4) return false;
            ByteBuffer b = ByteBuffer.allocate(4);
            ch.read(b, 0);
            return b.get(0) == 'P' && b.get(1) == 'K' && b.get(2) == 3 && b.get(3) == 4;
        } catch (IOException e) {
            throw new Clip4jException(path + ": cannot read: " + e.getMessage());
        }
    }

    /** The open_clip config that {@code clip4j convert --layout openai} records in a bare file's metadata. */
    public static final String CONFIG_KEY = "clip4j.open_clip_config";

    /**
     * A bare weight file with OpenAI (or transformers) key names: the architecture comes from the shapes, or from the
     * open_clip config recorded in its metadata (a file written by clip4j convert, possibly holding one tower).
     */
    private static Checkpoint bare(Path path, String format, Resources res) {
        Loaded w = openAiNames(path, weights(path, res), res);
        String recorded = w.metadata.get(CONFIG_KEY);
        ClipConfig config;
        if (recorded != null) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(recorded);
            } catch (IOException e) {
                throw new Clip4jException(path + ": __metadata__ " + CONFIG_KEY + " is not JSON");
            }
            config = OpenClipConfig.parse(path, root);
        } else {
            config = ConfigInference.fromShapes(path.toString(), w.tensors);
        }
        return finish(path, format, w, config, null, null, res);
    }

    private static Checkpoint openClip(Path dir, Resources res) {
        ClipConfig config = OpenClipConfig.read(dir.resolve("open_clip_config.json"));
        Path weights = firstExisting(dir, "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
        if (weights == null) {
            throw new Clip4jException(
                    dir + ": open_clip folder has no open_clip_model.safetensors or open_clip_pytorch_model.bin");
        }
        Loaded w = weights(weights, res);
        return finish(dir, "open_clip", w, config, null, null, res);
    }

    private static Checkpoint huggingFace(Path dir, Resources res) {
        ClipConfig config = HuggingFaceConfig.read(dir);
        Loaded w;
        Path single = firstExisting(dir, "model.safetensors", "pytorch_model.bin");
        if (single != null) {
            w = weights(single, res);
        } else {
            Path index = firstExisting(dir, "model.safetensors.index.json", "pytorch_model.bin.index.json");
            if (index == null) {
                throw new Clip4jException(
                        dir + ": Hugging Face folder has no model.safetensors, pytorch_model.bin or shard index");
            }
            w = shards(dir, index, res);
        }
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        return finish(
                dir,
                "huggingface",
                w,
                config,
                Files.isRegularFile(vocab) ? vocab : null,
                Files.isRegularFile(merges) ? merges : null,
                res);
    }

    private static Loaded shards(Path dir, Path index, Resources res) {
        JsonNode map = JsonFiles.readObject(index).get("weight_map");
        if (map == null || !map.isObject()) throw new Clip4jException(index + ": no \"weight_map\" object");
        Set<String> files = new LinkedHashSet<>();
        for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
            String f = it.next().asText();
            Path p = dir.resolve(f).normalize();
            if (!p.startsWith(dir.normalize()) || f.contains("/") || f.contains("\\")) {
                throw new Clip4jException(index + ": shard '" + Printable.of(f) + "' is outside the model folder");
            }
            files.add(f);
        }
        Map<String, Tensor> all = new LinkedHashMap<>();
        long bytes = 0;
        for (String f : files) {
            Loaded part = weights(dir.resolve(f), res);
            for (Map.Entry<String, Tensor> e : part.tensors.entrySet()) {
                if (all.put(e.getKey(), e.getValue()) != null) {
                    throw new Clip4jException(dir.resolve(f) + ": tensor '" + Printable.of(e.getKey())
                            + "' also appears in another shard");
                }
            }
            bytes += part.fileBytes;
        }
        return new Loaded(all, bytes, Map.of());
    }

    /** @param metadata the safetensors file's {@code __metadata__} (empty for torch files and shards) */
    private record Loaded(Map<String, Tensor> tensors, long fileBytes, Map<String, String> metadata) {}

    /** The canonicalised tensors of one weight file, safetensors or torch, by content rather than by name. */
    private static Loaded weights(Path file, Resources res) {
        if (!Files.isRegularFile(file)) throw new Clip4jException(file + ": no such file or directory");
        Map<String, Object> raw = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        long bytes;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            SafeTensorsFile st = SafeTensorsFile.open(file);
            res.add(st);
            raw.putAll(QuantizedTensors.fold(file, st.tensors(), st.metadata()));
            bytes = st.fileBytes();
            metadata = st.metadata();
        } else {
            Arena arena = Arena.ofShared();
            res.add(arena::close);
            TorchArchive.Contents contents = TorchArchive.read(file, arena);
            if (!(contents.root() instanceof Map<?, ?>) && !(contents.root() instanceof TorchArchive.ScriptObject)) {
                throw new Clip4jException(
                        file + ": holds a " + RestrictedUnpickler.describe(contents.root()) + ", not a state dict");
            }
            raw.putAll(TorchArchive.stateDict(contents));
            bytes = contents.fileBytes();
        }
        Map<String, Tensor> tensors = StateDicts.canonical(file.toString(), raw);
        return new Loaded(tensors, bytes, metadata);
    }

    private static Checkpoint finish(
            Path source, String format, Loaded w, ClipConfig config, Path vocab, Path merges, Resources res) {
        config.check(source.toString());
        Map<String, Tensor> tensors = openAiNames(source, w, res).tensors;
        String towerWord = w.metadata.get(Towers.METADATA_KEY);
        Towers towers = towerWord == null
                ? Towers.BOTH
                : Towers.parse(towerWord, source + ": __metadata__ " + Towers.METADATA_KEY);
        CheckpointValidator.validate(source.toString(), tensors, config, towers);
        return new Checkpoint(
                Collections.unmodifiableMap(tensors),
                config,
                format,
                source,
                w.fileBytes,
                vocab,
                merges,
                towers,
                w.metadata.get(Checkpoint.MODEL_ID_KEY),
                res);
    }

    /** Transformers-named weights renamed (and re-laid-out) to OpenAI's names; others as they are. */
    private static Loaded openAiNames(Path source, Loaded w, Resources res) {
        if (!HuggingFaceNames.looksLikeHuggingFace(w.tensors)) return w;
        Arena derived = Arena.ofShared();
        res.add(derived::close);
        Map<String, Tensor> mapped = HuggingFaceNames.toOpenAi(source.toString(), w.tensors, derived);
        return new Loaded(
                StateDicts.canonical(source.toString(), new LinkedHashMap<>(mapped)), w.fileBytes, w.metadata);
    }

    private static Path firstExisting(Path dir, String... names) {
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /** Closes the mappings and copies of one checkpoint, in reverse order of opening. */
    private static final class Resources implements AutoCloseable {
        private final List<AutoCloseable> items = new ArrayList<>();
        private boolean closed;

        synchronized void add(AutoCloseable c) {
            items.add(c);
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            for (int i = items.size() - 1; i >= 0; i--) {
                try {
                    items.get(i).close();
                } catch (Exception ignored) {
                    // closing a mapping cannot meaningfully fail; keep closing the others
                }
            }
        }
    }
}
