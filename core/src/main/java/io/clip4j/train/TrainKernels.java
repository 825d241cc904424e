package io.clip4j.train;

import io.clip4j.kernels.Kernels;

/**
 * The dense operations training is made of. {@link ScalarTrainKernels} is the plain reference;
 * {@link VectorTrainKernels} uses the Vector API and is tested against it on odd sizes.
 *
 * <p>All matrices are row-major float arrays addressed by offsets. Every linear-layer product of the forward and
 * backward passes is one matrix product with an operand read transposed where the layer needs it (nn.Linear's
 * forward y = x·Wᵀ, its weight gradient dW = dYᵀ·X), split across threads so that no two threads ever write the
 * same element. Every element of C is a sum over p in increasing order, as in the scalar reference.
 */
public interface TrainKernels {

    /** C[m, n] = A[m, k] · B[k, n] ({@code accumulate}: C += A · B). Rows have lengths k, n, n. */
    void matmul(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate);

    /** C[m, n] (+)= Aᵀ · B[k, n], A stored [k, m]: a weight gradient dW = dYᵀ · X without copying dY transposed. */
    void matmulTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate);

    /** C[m, n] (+)= A[m, k] · Bᵀ, B stored [n, k]: nn.Linear's forward y = x · Wᵀ on W as PyTorch stores it. */
    void matmulTransposedB(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate);

    /**
     * out[j] = the sum of column j of m[rows, cols] (a bias gradient), accumulated in double in row order: every
     * implementation gives the same floats.
     */
    void columnSums(float[] m, int off, int rows, int cols, float[] out);

    /**
     * The inference kernel layer of the same kind (vector or scalar reference) for everything but the products:
     * attention's weighted sums and softmax, axpy. Training and inference share those kernels and their tests.
     */
    Kernels elementwise();

    /** The Vector API kernels when {@code jdk.incubator.vector} is present (and -Dclip4j.scalar is not set). */
    static TrainKernels best() {
        return Holder.BEST;
    }

    final class Holder {
        static final TrainKernels BEST = choose();

        private Holder() {}

        private static TrainKernels choose() {
            // the same choice as inference: both kernel sets need the same module
            return Kernels.vectorApiInUse() ? new VectorTrainKernels() : new ScalarTrainKernels();
        }
    }
}
