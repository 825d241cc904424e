package io.clip4j.train;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.ScalarKernels;
import java.util.Arrays;

/** Plain loops, single-threaded: the reference the vector kernels are tested against. */
public final class ScalarTrainKernels implements TrainKernels {

    @Override
    public void matmul(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            if (!accumulate) Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * k + p];
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }

    private static final Kernels ELEMENTWISE = new ScalarKernels();

    @Override
    public Kernels elementwise() {
        return ELEMENTWISE;
    }
}
