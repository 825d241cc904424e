package io.clip4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The raw input/output files of the comparison (see inputs.py): an int32 count, then little-endian values. */
final class RawFiles {
    private RawFiles() {}

    record Floats(int count, float[] values) {}

    record Ints(int count, int[] values) {}

    static Floats readFloats(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return new Floats(n, v);
    }

    static Ints readInts(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return new Ints(n, v);
    }

    static void writeRows(Path p, float[][] rows) throws IOException {
        int width = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * rows.length * width).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(rows.length);
        for (float[] r : rows) for (float x : r) b.putFloat(x);
        Files.write(p, b.array());
    }

    static int[][] tokenRows(Ints t) {
        int ctx = t.values().length / t.count();
        int[][] rows = new int[t.count()][ctx];
        for (int i = 0; i < rows.length; i++) System.arraycopy(t.values(), i * ctx, rows[i], 0, ctx);
        return rows;
    }
}
