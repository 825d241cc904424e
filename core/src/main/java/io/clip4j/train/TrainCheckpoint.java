package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.checkpoint.FileModes;
import io.clip4j.checkpoint.Printable;
import io.clip4j.checkpoint.SafeTensorsFile;
import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A training run's folder: the model as an open_clip folder ({@code open_clip_model.safetensors} float32 under
 * OpenAI names + {@code open_clip_config.json}), loadable by {@link io.clip4j.api.Clip#load} and by open_clip;
 * and, for resuming, the optimizer state ({@code train_state.safetensors}: {@code exp_avg.NAME},
 * {@code exp_avg_sq.NAME}) with {@code train_state.json} (step, seed, hyper-parameters, caller's extra fields).
 * A checkpoint is saved as a whole ({@link CheckpointCommit}): after a kill at any moment, the next reader of the
 * folder finds every file of one step, so a resumed run equals the uninterrupted one.
 */
public final class TrainCheckpoint {
    public static final String MODEL_FILE = "open_clip_model.safetensors";
    public static final String CONFIG_FILE = "open_clip_config.json";
    public static final String STATE_FILE = "train_state.safetensors";
    public static final String STATE_JSON = "train_state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainCheckpoint() {}

    /** Writes the model files only. */
    public static void saveModel(Path dir, TrainableClip model) {
        createDir(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ParameterSet p = model.parameters();
        for (String n : p.names()) tensors.put(n, f32(n, p.shape(n), p.get(n)));
        SafeTensorsWriter.write(dir.resolve(MODEL_FILE), tensors, Map.of("format", "pt", "producer", "clip4j train"));
        writeJson(dir.resolve(CONFIG_FILE), openClipConfig(model.config()));
    }

    /**
     * Writes the model files, the optimizer state and {@code train_state.json} with {@code extra} merged in, all
     * replacing the folder's previous checkpoint at once.
     */
    public static void save(Path dir, ClipTrainer trainer, long seed, Map<String, Object> extra) {
        createDir(dir);
        Path staging = CheckpointCommit.begin(dir);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        ParameterSet p = trainer.model().parameters();
        for (String n : p.names()) weights.put(n, f32(n, p.shape(n), p.get(n)));
        SafeTensorsWriter.write(
                staging.resolve(MODEL_FILE), weights, Map.of("format", "pt", "producer", "clip4j train"));
        CheckpointCommit.staged(MODEL_FILE);
        writeJson(staging.resolve(CONFIG_FILE), openClipConfig(trainer.model().config()));
        CheckpointCommit.staged(CONFIG_FILE);
        AdamW opt = trainer.optimizer();
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String n : opt.trainableNames()) {
            state.put(
                    "exp_avg." + n,
                    f32(
                            "exp_avg." + n,
                            opt.firstMoments().shape(n),
                            opt.firstMoments().get(n)));
            state.put(
                    "exp_avg_sq." + n,
                    f32(
                            "exp_avg_sq." + n,
                            opt.secondMoments().shape(n),
                            opt.secondMoments().get(n)));
        }
        SafeTensorsWriter.write(staging.resolve(STATE_FILE), state, Map.of("step", Long.toString(opt.stepCount())));
        CheckpointCommit.staged(STATE_FILE);
        ObjectNode json = JSON.createObjectNode();
        json.put("step", opt.stepCount());
        json.put("seed", seed);
        json.put("init", trainer.model().init());
        json.put("lock_image", trainer.lockImage());
        ObjectNode o = json.putObject("optimizer");
        o.put("name", "AdamW");
        o.putArray("betas").add(opt.beta1()).add(opt.beta2());
        o.put("eps", opt.eps());
        o.put("weight_decay", opt.weightDecay());
        o.put("no_decay_rule", "ndim < 2 or name contains 'bn', 'ln', 'bias' or 'logit_scale'");
        LrSchedule s = trainer.schedule();
        ObjectNode sj = json.putObject("schedule");
        sj.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
        sj.put("lr", s.baseLr());
        sj.put("warmup", s.warmup());
        sj.put("total_steps", s.totalSteps());
        if (extra != null) extra.forEach((k, v) -> json.set(k, JSON.valueToTree(v)));
        writeJson(staging.resolve(STATE_JSON), json);
        CheckpointCommit.staged(STATE_JSON);
        CheckpointCommit.commit(dir, STATE_JSON);
    }

    /**
     * Whether {@code dir} holds a resumable training state; first completes (or discards) a checkpoint that a
     * kill interrupted, so that what is found is one whole checkpoint.
     */
    public static boolean hasState(Path dir) {
        if (Files.isDirectory(dir)) CheckpointCommit.recover(dir);
        return Files.isRegularFile(dir.resolve(STATE_JSON))
                && Files.isRegularFile(dir.resolve(STATE_FILE))
                && Files.isRegularFile(dir.resolve(MODEL_FILE));
    }

    /** The saved {@code train_state.json}, its fields checked ({@link TrainStateCheck}). */
    public static JsonNode readState(Path dir) {
        Path f = dir.resolve(STATE_JSON);
        JsonNode n;
        try {
            n = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new Clip4jException(f + ": cannot read: " + oneLine(e.getMessage()));
        }
        TrainStateCheck.check(f, n);
        return n;
    }

    /** The model of a training folder as float32 parameters. */
    public static TrainableClip loadModel(Path dir) {
        try (Checkpoint c = CheckpointLoader.load(dir)) {
            return TrainableClip.fromCheckpoint(c);
        }
    }

    /** Restores the optimizer moments and step count saved in {@code dir} into {@code opt}. */
    public static void restoreOptimizer(Path dir, AdamW opt) {
        Path f = dir.resolve(STATE_FILE);
        long step = readState(dir).get("step").asLong();
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            String saved = st.metadata().get("step");
            if (saved != null && !saved.equals(Long.toString(step))) {
                throw new Clip4jException(f + ": holds the optimizer state of step " + Printable.of(saved) + " but "
                        + STATE_JSON + " says step " + step + " (files of different checkpoints)");
            }
            Map<String, Tensor> t = st.tensors();
            for (String n : opt.trainableNames()) {
                copy(f, t, "exp_avg." + n, opt.firstMoments().get(n));
                copy(f, t, "exp_avg_sq." + n, opt.secondMoments().get(n));
            }
        }
        opt.setStepCount(step);
    }

    private static void copy(Path f, Map<String, Tensor> t, String name, float[] into) {
        Tensor x = t.get(name);
        if (x == null)
            throw new Clip4jException(f + ": no tensor '" + name + "' (was the run started with other options?)");
        if (x.numel() != into.length || x.dtype() != DType.F32)
            throw new Clip4jException(f + ": tensor '" + name + "' has the wrong shape or type");
        float[] v = x.toFloatArray();
        System.arraycopy(v, 0, into, 0, into.length);
    }

    /** open_clip's model config for this shape: what open_clip.create_model and clip4j both read. */
    public static ObjectNode openClipConfig(ClipConfig c) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode m = root.putObject("model_cfg");
        m.put("embed_dim", c.embedDim());
        m.put("quick_gelu", c.quickGelu());
        ObjectNode v = m.putObject("vision_cfg");
        v.put("image_size", c.imageResolution());
        if (c.isVit()) {
            v.put("layers", c.visionLayers()[0]);
            v.put("width", c.visionWidth());
            v.put("head_width", c.visionWidth() / c.visionHeads());
            v.put("patch_size", c.visionPatchSize());
        } else {
            // ModifiedResNet: stage depths; the attention pool has width * 32 channels in heads of head_width
            var layers = v.putArray("layers");
            for (int d : c.visionLayers()) layers.add(d);
            v.put("width", c.visionWidth());
            v.put("head_width", c.visionWidth() * 32 / c.visionHeads());
        }
        ObjectNode t = m.putObject("text_cfg");
        t.put("context_length", c.contextLength());
        t.put("vocab_size", c.vocabSize());
        t.put("width", c.textWidth());
        t.put("heads", c.textHeads());
        t.put("layers", c.textLayers());
        ObjectNode pre = root.putObject("preprocess_cfg");
        var mean = pre.putArray("mean");
        for (float x : c.mean()) mean.add(x);
        var std = pre.putArray("std");
        for (float x : c.std()) std.add(x);
        return root;
    }

    /** An off-heap little-endian copy (the writer needs byte-addressable memory; float[] heap segments are not). */
    private static Tensor f32(String name, int[] shape, float[] values) {
        return Tensor.ofFloats(name, shape, values);
    }

    private static void createDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Clip4jException(dir + ": cannot create the folder: " + e.getMessage());
        }
    }

    /** Writes {@code node} as indented JSON, atomically (temporary file, flushed to disk, then rename), mode 0644. */
    public static void writeJson(Path path, JsonNode node) {
        Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
        try {
            byte[] bytes = JSON.writeValueAsBytes(node);
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            FileModes.shareable(tmp);
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new Clip4jException(path + ": cannot write: " + e.getMessage());
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }
}
