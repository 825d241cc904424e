package io.clip4j.distill;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import io.clip4j.train.ParameterInit;
import io.clip4j.train.ParameterSet;
import io.clip4j.train.TrainableClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The model a distillation run trains: the student tower, initialised by {@link Init}, inside the teacher's model
 * (its other tower, token embedding or image stem, and logit scale, copied as float32). Saved, it is an ordinary
 * CLIP that every clip4j command loads.
 */
public final class StudentModel {
    /** How the student tower starts: the teacher's weights sliced, open_clip's random initialisation, or a file. */
    public sealed interface Init {
        record Inherit() implements Init {}

        record Random(long seed) implements Init {}

        record FromModel(Path path) implements Init {}

        static Init parse(String s, long seed) {
            return switch (s) {
                case "inherit" -> new Inherit();
                case "random" -> new Random(seed);
                default -> new FromModel(Path.of(s));
            };
        }
    }

    private StudentModel() {}

    /** Refuses, before any work, a student that {@code init} cannot start: the checks {@link #build} would fail. */
    public static void check(ClipConfig t, StudentShape shape, Init init) {
        ClipConfig s = shape.config(t);
        if (init instanceof Init.FromModel f && !Files.exists(f.path())) {
            throw new Clip4jException(
                    f.path() + ": no such student model (--init takes inherit, random or a model path)");
        }
        if (!(init instanceof Init.Inherit)) return;
        boolean image = shape.tower() == Tower.IMAGE;
        if (image && !t.isVit()) {
            throw new Clip4jException(
                    "--init inherit needs a ViT teacher; the teacher's image tower is a ModifiedResNet (use --init random)");
        }
        if (image && s.visionPatchSize() != t.visionPatchSize()) {
            throw new Clip4jException("--init inherit needs the teacher's patch size " + t.visionPatchSize()
                    + ", the student has " + s.visionPatchSize() + " (use --init random)");
        }
        int tw = image ? t.visionWidth() : t.textWidth(), tl = image ? t.visionLayers()[0] : t.textLayers();
        if (shape.width() > tw || shape.layers() > tl) {
            throw new Clip4jException("--init inherit needs a student no wider and no deeper than the teacher's "
                    + shape.tower().word() + " tower (" + tw + " x " + tl + "), the student is " + shape.width() + " x "
                    + shape.layers() + " (use --init random)");
        }
    }

    public static TrainableClip build(Checkpoint teacher, StudentShape shape, Init init) {
        ClipConfig t = teacher.config(), s = shape.config(t);
        check(t, shape, init);
        ParameterSet random = init instanceof Init.Random r ? ParameterInit.openai(s, r.seed()) : null;
        Checkpoint other = init instanceof Init.FromModel f ? CheckpointLoader.load(f.path()) : null;
        try {
            ParameterSet p = new ParameterSet();
            for (Map.Entry<String, int[]> e : ExpectedTensors.of(s).entrySet()) {
                String name = e.getKey();
                int[] shapeOf = e.getValue();
                float[] v;
                if (!shape.tower().owns(name)) v = copy(teacher, name, shapeOf);
                else if (random != null) v = random.get(name);
                else if (other != null) v = copy(other, name, shapeOf);
                else v = WeightInheritance.inherit(teacher, t, s, shape.tower(), name, shapeOf);
                p.put(name, shapeOf, v);
            }
            return TrainableClip.of(s, p, describe(init, teacher));
        } finally {
            if (other != null) other.close();
        }
    }

    private static float[] copy(Checkpoint from, String name, int[] shape) {
        Tensor x = from.weights().get(name);
        if (x == null) throw new Clip4jException(from.source() + ": no tensor '" + name + "'");
        if (!Arrays.equals(x.shape(), shape) && x.numel() != ParameterSet.numel(shape)) {
            throw new Clip4jException(from.source() + ": tensor '" + name + "' has shape " + Arrays.toString(x.shape())
                    + ", the student needs " + Arrays.toString(shape));
        }
        return x.toFloatArray();
    }

    private static String describe(Init init, Checkpoint teacher) {
        return switch (init) {
            case Init.Inherit i -> "inherited from " + teacher.source();
            case Init.Random r -> "random (seed " + r.seed() + "), teacher " + teacher.source();
            case Init.FromModel f -> "student " + f.path() + ", teacher " + teacher.source();
        };
    }
}
