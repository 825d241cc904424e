package io.clip4j.bench;

import java.util.SplittableRandom;

/** Synthetic timing inputs: their values do not matter for speed, only their shapes and EOT positions. */
final class Synthetic {
    static final int SOT = 49406, EOT = 49407, CONTEXT = 77, RES = 224;

    private Synthetic() {}

    static float[] pixels(int n) {
        var r = new SplittableRandom(1);
        float[] p = new float[n * 3 * RES * RES];
        for (int i = 0; i < p.length; i++) p[i] = (float) (r.nextDouble() * 4.0 - 1.8);
        return p;
    }

    /** n rows of {@code length} tokens (SOT, random words, EOT), zero-padded to the context. */
    static int[][] tokens(int n, int length) {
        if (length < 2 || length > CONTEXT) throw new IllegalArgumentException("--tokens must be in 2.." + CONTEXT);
        var r = new SplittableRandom(2);
        int[][] rows = new int[n][CONTEXT];
        for (int[] row : rows) {
            row[0] = SOT;
            for (int j = 1; j < length - 1; j++) row[j] = 1 + r.nextInt(SOT - 1);
            row[length - 1] = EOT;
        }
        return rows;
    }
}
