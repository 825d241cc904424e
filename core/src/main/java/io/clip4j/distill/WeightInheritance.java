package io.clip4j.distill;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TinyCLIP's weight inheritance: the student's block i is the teacher's block at a fixed interval (i * L_t / L_s:
 * 0, 2, 4, ... for 12 -> 6), and every student tensor is the leading slice of the teacher's along each axis (width
 * 768 -> 384 keeps channels 0..383, the MLP's 3072 -> 1536 hidden units 0..1535). The attention's packed
 * in_proj [3W, W] is sliced per q, k and v block ([3, W, W] -> [3, w, w]), so each of them keeps its leading
 * channels; a head count that divides the student width then works whatever it is (heads change no parameter
 * shape, only how the w channels are grouped).
 */
public final class WeightInheritance {
    private static final Pattern BLOCK = Pattern.compile("^(visual\\.)?transformer\\.resblocks\\.(\\d+)\\.(.*)$");

    private WeightInheritance() {}

    /** The teacher block a student block inherits. */
    public static int teacherLayer(int studentLayer, int studentLayers, int teacherLayers) {
        return (int) ((long) studentLayer * teacherLayers / studentLayers);
    }

    /**
     * The student's tensor {@code name} of {@code shape}, inherited from the teacher.
     *
     * @throws Clip4jException when the teacher's tensor is missing or smaller along an axis
     */
    public static float[] inherit(
            Checkpoint teacher, ClipConfig t, ClipConfig s, Tower tower, String name, int[] shape) {
        String teacherName = name;
        Matcher m = BLOCK.matcher(name);
        if (m.matches()) {
            int sl = tower == Tower.IMAGE ? s.visionLayers()[0] : s.textLayers();
            int tl = tower == Tower.IMAGE ? t.visionLayers()[0] : t.textLayers();
            int layer = teacherLayer(Integer.parseInt(m.group(2)), sl, tl);
            teacherName = (m.group(1) == null ? "" : m.group(1)) + "transformer.resblocks." + layer + "." + m.group(3);
        }
        Tensor src = teacher.weights().get(teacherName);
        if (src == null)
            throw new Clip4jException(
                    teacher.source() + ": no tensor '" + teacherName + "' to inherit '" + name + "' from");
        int[] from = src.shape(), to = shape.clone();
        if (name.endsWith("attn.in_proj_weight") || name.endsWith("attn.in_proj_bias")) {
            from = packed(from);
            to = packed(to);
        }
        if (from.length != to.length) {
            throw new Clip4jException("cannot inherit '" + name + "' " + Arrays.toString(shape) + " from the teacher's "
                    + Arrays.toString(src.shape()));
        }
        for (int i = 0; i < to.length; i++) {
            if (to[i] > from[i]) {
                throw new Clip4jException("cannot inherit '" + name + "' " + Arrays.toString(shape)
                        + " from the teacher's smaller " + Arrays.toString(src.shape())
                        + " (--init inherit needs a student no wider than the teacher; use --init random)");
            }
        }
        return leadingSlice(src.toFloatArray(), from, to);
    }

    /** [3W, ...] as [3, W, ...]. */
    private static int[] packed(int[] shape) {
        int[] p = new int[shape.length + 1];
        p[0] = 3;
        p[1] = shape[0] / 3;
        System.arraycopy(shape, 1, p, 2, shape.length - 1);
        return p;
    }

    /** The leading {@code to}-sized block of a row-major array of shape {@code from}. */
    static float[] leadingSlice(float[] src, int[] from, int[] to) {
        int n = 1;
        for (int d : to) n *= d;
        float[] out = new float[n];
        if (to.length == 0) {
            out[0] = src[0];
            return out;
        }
        int last = to.length - 1;
        int[] idx = new int[to.length];
        long[] stride = new long[from.length];
        stride[last] = 1;
        for (int i = last - 1; i >= 0; i--) stride[i] = stride[i + 1] * from[i + 1];
        int rowLength = to[last];
        for (int o = 0; o < n; o += rowLength) {
            long base = 0;
            for (int i = 0; i < last; i++) base += idx[i] * stride[i];
            System.arraycopy(src, (int) base, out, o, rowLength);
            for (int i = last - 1; i >= 0; i--) {
                if (++idx[i] < to[i]) break;
                idx[i] = 0;
            }
        }
        return out;
    }
}
