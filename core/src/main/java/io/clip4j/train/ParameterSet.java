package io.clip4j.train;

import io.clip4j.Clip4jException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named float32 arrays with their shapes, under OpenAI's state-dict names (the same names and layouts as
 * {@link io.clip4j.checkpoint.ExpectedTensors}). Used for parameters, gradients and optimizer moments alike.
 */
public final class ParameterSet {
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    /** Zero-filled arrays for every name of {@code shapes}, in its order. */
    public static ParameterSet zeros(Map<String, int[]> shapes) {
        ParameterSet p = new ParameterSet();
        for (Map.Entry<String, int[]> e : shapes.entrySet())
            p.put(e.getKey(), e.getValue(), new float[numel(e.getValue())]);
        return p;
    }

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE - 8)
            throw new Clip4jException("tensor of shape " + Arrays.toString(shape) + " is too large");
        return (int) n;
    }

    public void put(String name, int[] shape, float[] value) {
        if (value.length != numel(shape))
            throw new IllegalArgumentException(name + ": " + value.length + " values for " + Arrays.toString(shape));
        values.put(name, value);
        shapes.put(name, shape.clone());
    }

    /** The live array (updates are seen by every holder). */
    public float[] get(String name) {
        float[] v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no parameter '" + name + "'");
        return v;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int[] shape(String name) {
        int[] s = shapes.get(name);
        if (s == null) throw new IllegalArgumentException("no parameter '" + name + "'");
        return s.clone();
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** Total number of scalars. */
    public long count() {
        long n = 0;
        for (float[] v : values.values()) n += v.length;
        return n;
    }

    /** A deep copy. */
    public ParameterSet copy() {
        ParameterSet c = new ParameterSet();
        for (String n : values.keySet()) c.put(n, shapes.get(n), values.get(n).clone());
        return c;
    }
}
