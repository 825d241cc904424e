package io.clip4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every optimised kernel against the scalar reference, on odd sizes that exercise the vector tails. */
class VectorKernelsTest {
    final Kernels ref = new ScalarKernels();
    final Kernels vec = new VectorKernels();

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static void close(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1.0, Math.abs(expected[i]));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= tol * scale,
                    "index " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1,1,1",
        "3,7,5",
        "4,8,8",
        "5,17,33",
        "13,31,65",
        "50,768,97",
        "9,100,2304",
        "2,1,3",
        "67,1030,33",
        "130,600,70",
        "4,513,16",
        "3,1025,47"
    })
    void linearMatchesScalar(int rows, int in, int out) {
        Random r = new Random(rows * 1000 + in * 10 + out);
        float[] x = random(r, rows * in + 3), w = random(r, out * in), bias = random(r, out);
        for (float[] b : new float[][] {bias, null}) {
            float[] y1 = new float[rows * out + 5], y2 = new float[rows * out + 5];
            ref.linear(x, 3, rows, Matrix.of(w, out, in), b, y1, 0);
            vec.linear(x, 3, rows, Matrix.of(w, out, in), b, y2, 0);
            close(y1, y2, 1e-4 * Math.sqrt(in));
        }
    }

    /**
     * Rows 1..25 cover every tail tile height (1, 2, 4, 6, 8, 12) after whole tiles, on both AVX2 and AVX-512; 98,
     * 110 and 206 span several row blocks (MC = 96) with a tail in the last one, and pack A in parallel chunks.
     */
    @ParameterizedTest
    @CsvSource({"1", "2", "3", "5", "7", "9", "11", "13", "14", "17", "23", "25", "26", "38", "50", "98", "110", "206"})
    void everyTileHeightMatchesScalar(int rows) {
        Random r = new Random(rows);
        int in = 397, out = 2 * 33 + 7; // several K blocks' worth of odd k for small KC; a partial last panel
        float[] x = random(r, rows * in), w = random(r, out * in), bias = random(r, out);
        float[] y1 = new float[rows * out], y2 = new float[rows * out];
        ref.linear(x, 0, rows, Matrix.of(w, out, in), bias, y1, 0);
        vec.linear(x, 0, rows, Matrix.of(w, out, in), bias, y2, 0);
        close(y1, y2, 1e-4 * Math.sqrt(in));
    }

    @ParameterizedTest
    @CsvSource({"1,7,5", "13,31,65", "50,768,97", "67,1030,33"})
    void fusedActivationsAndResidualMatchScalar(int rows, int in, int out) {
        Random r = new Random(rows * 7 + in + out);
        float[] x = random(r, rows * in), w = random(r, out * in), bias = random(r, out), res = random(r, rows * out);
        Matrix m = Matrix.of(w, out, in);
        for (Activation act : Activation.values()) {
            float[] y1 = new float[rows * out], y2 = new float[rows * out];
            ref.linearActivated(x, 0, rows, m, bias, act, y1, 0);
            vec.linearActivated(x, 0, rows, m, bias, act, y2, 0);
            close(y1, y2, 1e-4 * Math.sqrt(in));
        }
        // the residual form: y += x·Wᵀ + b, y holding a residual stream
        float[] y1 = res.clone(), y2 = res.clone(), plain = new float[rows * out];
        ref.linearAdd(x, 0, rows, m, bias, y1, 0);
        vec.linearAdd(x, 0, rows, m, bias, y2, 0);
        close(y1, y2, 1e-4 * Math.sqrt(in));
        // and it is the residual plus the plain product (so linearAdd cannot be a no-op or a plain overwrite)
        ref.linear(x, 0, rows, m, bias, plain, 0);
        for (int i = 0; i < plain.length; i++) plain[i] += res[i];
        close(plain, y1, 1e-5 * Math.sqrt(in));
    }

    @Test
    void aRowsResultDoesNotDependOnTheOtherRows() {
        // exactness of pooling only the class/EOT rows in the last block rests on this
        Random r = new Random(5);
        int rows = 50, in = 768, out = 300;
        float[] x = random(r, rows * in), w = random(r, out * in), bias = random(r, out);
        Matrix m = Matrix.of(w, out, in);
        float[] all = new float[rows * out];
        vec.linear(x, 0, rows, m, bias, all, 0);
        for (int row : new int[] {0, 13, 49}) {
            float[] one = new float[out];
            vec.linear(x, row * in, 1, m, bias, one, 0);
            for (int o = 0; o < out; o++) assertEquals(all[row * out + o], one[o], 0f, "row " + row + ", column " + o);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "5,17,33", "13,1030,65", "70,64,40", "200,600,300"})
    void halfAndNarrowStoredWeightsMatchTheScalarReference(int rows, int in, int out) {
        Random r = new Random(rows + in + out);
        float[] x = random(r, rows * in), w = random(r, out * in), bias = random(r, out);
        // fp16 bytes: the scalar reference widens them element by element; the GEMM packs and widens
        MemorySegment f16 = MemorySegment.ofArray(new short[out * in]);
        MemorySegment bf16 = MemorySegment.ofArray(new short[out * in]);
        float[] rounded = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            short h = Float.floatToFloat16(w[i]);
            rounded[i] = Float.float16ToFloat(h);
            f16.setAtIndex(Matrix.I16, i, h);
            bf16.setAtIndex(Matrix.I16, i, (short) (Float.floatToRawIntBits(w[i]) >>> 16));
        }
        float[] expect = new float[rows * out];
        ref.linear(x, 0, rows, Matrix.of(rounded, out, in), bias, expect, 0);
        for (Matrix m : new Matrix[] {
            new Matrix(f16, DType.F16, out, in, false),
            new Matrix(f16, DType.F16, out, in, true),
            new Matrix(MemorySegment.ofArray(w), DType.F32, out, in, true)
        }) {
            float[] y = new float[rows * out];
            vec.linear(x, 0, rows, m, bias, y, 0);
            close(expect, y, 1e-4 * Math.sqrt(in));
        }
        float[] bexpect = new float[rows * out], by = new float[rows * out];
        Matrix bm = new Matrix(bf16, DType.BF16, out, in, false);
        ref.linear(x, 0, rows, bm, bias, bexpect, 0);
        vec.linear(x, 0, rows, bm, bias, by, 0);
        close(bexpect, by, 1e-4 * Math.sqrt(in));
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "67,1030,33", "130,600,70", "9,17,2305"})
    void generalProductMatchesNaiveSums(int m, int k, int n) {
        Random r = new Random(m * 31 + k * 7 + n);
        float[] a = random(r, m * k + 2), b = random(r, k * n + 1), c0 = random(r, m * n);
        for (boolean acc : new boolean[] {false, true}) {
            float[] expect = new float[m * n], c = c0.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = acc ? c0[i * n + j] : 0;
                    for (int p = 0; p < k; p++) s += (double) a[2 + i * k + p] * b[1 + p * n + j];
                    expect[i * n + j] = (float) s;
                }
            }
            Gemm.multiply(a, 2, b, 1, c, 0, m, k, n, acc);
            close(expect, c, 1e-4 * Math.sqrt(k));
        }
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() {
        float[] w = {1f, 2f, Float.NaN, 4f};
        Matrix m = new Matrix(MemorySegment.ofArray(w), DType.F32, 2, 2, false, "visual.proj");
        var e = Assertions.assertThrows(
                Clip4jException.class, () -> vec.linear(new float[2], 0, 1, m, null, new float[2], 0));
        assertTrue(e.getMessage().contains("visual.proj") && e.getMessage().contains("[1, 0]"), e.getMessage());
    }

    @Test
    void vectorHalfWideningIsExactForEveryFiniteHalf() {
        short[] all = new short[65536 + 3];
        int n = 0;
        for (int h = 0; h < 65536; h++) {
            if ((h & 0x7c00) != 0x7c00) all[n++] = (short) h; // finite: weights are never inf/NaN (checked at pack)
        }
        float[] got = new float[n];
        VectorGemm.widenHalf(all, 0, got, 0, n);
        for (int i = 0; i < n; i++) {
            assertEquals(
                    Float.floatToRawIntBits(Float.float16ToFloat(all[i])),
                    Float.floatToRawIntBits(got[i]),
                    "half 0x" + Integer.toHexString(all[i] & 0xffff));
        }
    }

    @Test
    void linearOnMappedSizedProblemUsesThreadsAndStaysExact() {
        Random r = new Random(7);
        int rows = 37, in = 129, out = 515; // large enough to be split across the pool
        float[] x = random(r, rows * in), w = random(r, out * in);
        float[] y1 = new float[rows * out], y2 = new float[rows * out];
        ref.linear(x, 0, rows, Matrix.of(w, out, in), null, y1, 0);
        vec.linear(x, 0, rows, Matrix.of(w, out, in), null, y2, 0);
        close(y1, y2, 1e-3);
    }

    @ParameterizedTest
    @CsvSource({"1", "7", "8", "9", "31", "64", "77", "1023"})
    void dotAxpyMatchScalar(int n) {
        Random r = new Random(n);
        float[] a = random(r, n + 2), b = random(r, n + 4);
        assertEquals(ref.dot(a, 2, b, 4, n), vec.dot(a, 2, b, 4, n), 1e-4 * Math.sqrt(n));
        float[] y1 = random(new Random(1), n + 1), y2 = y1.clone();
        ref.axpy(0.37f, a, 1, y1, 1, n);
        vec.axpy(0.37f, a, 1, y2, 1, n);
        close(y1, y2, 1e-6);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,2,1", "15,3,2", "16,4,3", "17,5,4", "33,6,5", "64,7,7", "512,8,8", "513,9,9", "3,1,6"})
    void dotsInt8BlocksMatchScalarToTheBit(int dim, int queries, int blocks) {
        Random r = new Random(dim * 31L + queries);
        float[][] qs = new float[queries][];
        for (int j = 0; j < queries; j++) qs[j] = random(r, dim);
        int off = 5, span = blocks * Kernels.INT8_BLOCK;
        byte[] codes = new byte[off + span * dim + 3];
        r.nextBytes(codes);
        float[] expected = new float[queries * span], actual = new float[queries * span];
        ref.dotsInt8Blocks(qs, codes, off, dim, blocks, expected);
        vec.dotsInt8Blocks(qs, codes, off, dim, blocks, actual);
        for (int j = 0; j < queries; j++) {
            for (int i = 0; i < span; i++) {
                double exact = 0; // vector i of the range: block i / 16, lane i % 16, dimension-major
                int base = off + (i / Kernels.INT8_BLOCK) * dim * Kernels.INT8_BLOCK + i % Kernels.INT8_BLOCK;
                for (int d = 0; d < dim; d++) exact += (double) qs[j][d] * codes[base + d * Kernels.INT8_BLOCK];
                assertEquals(exact, expected[j * span + i], 1e-5 * 127 * dim, "scalar, query " + j + ", vector " + i);
                assertEquals(
                        Float.floatToIntBits(expected[j * span + i]),
                        Float.floatToIntBits(actual[j * span + i]),
                        "vector twin, query " + j + ", vector " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "50,64", "77,64", "3,7", "9,17", "13,100", "2,129"})
    void weightedSumMatchesScalar(int n, int len) {
        Random r = new Random(n * 31 + len);
        int stride = 3 * len + 5;
        float[] p = random(r, n), v = random(r, n * stride + 11);
        float[] y1 = new float[len + 3], y2 = new float[len + 3];
        ref.weightedSum(p, n, v, 7, stride, y1, 2, len);
        vec.weightedSum(p, n, v, 7, stride, y2, 2, len);
        close(y1, y2, 1e-5 * Math.sqrt(n));
        double direct = 0;
        for (int j = 0; j < n; j++) direct += p[j] * v[7 + j * stride + len - 1];
        assertEquals(direct, y2[2 + len - 1], 1e-4 * Math.sqrt(n), "the last output element, summed directly");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "4,50,64", "5,50,32", "50,50,64", "7,3,7", "9,17,33", "13,100,129", "3,9,64"})
    void weightedSumsMatchScalarAndSingleRows(int rows, int n, int len) {
        Random r = new Random(rows * 131 + n * 31 + len);
        int pStride = n + 3, vStride = len + 5, oStride = len + 2;
        float[] p = random(r, 2 + rows * pStride), v = random(r, 7 + n * vStride);
        float[] y1 = new float[1 + rows * oStride], y2 = new float[y1.length], rows1 = new float[y1.length];
        ref.weightedSums(p, 2, pStride, rows, n, v, 7, vStride, y1, 1, oStride, len);
        vec.weightedSums(p, 2, pStride, rows, n, v, 7, vStride, y2, 1, oStride, len);
        close(y1, y2, 1e-5 * Math.sqrt(n));
        // the same sums, in the same order, as one weightedSum per row: bit for bit
        for (int q = 0; q < rows; q++) {
            float[] coeffs = Arrays.copyOfRange(p, 2 + q * pStride, 2 + q * pStride + n);
            vec.weightedSum(coeffs, n, v, 7, vStride, rows1, 1 + q * oStride, len);
        }
        assertArrayEquals(rows1, y2);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,7", "2,64", "5,129"})
    void normsAndActivationsMatchScalar(int rows, int width) {
        Random r = new Random(rows + width);
        float[] x = random(r, rows * width), g = random(r, width), b = random(r, width);
        float[] y1 = new float[x.length], y2 = new float[x.length];
        ref.layerNorm(x, 0, y1, 0, rows, width, g, b, 1e-5f);
        vec.layerNorm(x, 0, y2, 0, rows, width, g, b, 1e-5f);
        close(y1, y2, 1e-6);
        float[] q1 = x.clone(), q2 = x.clone();
        ref.quickGelu(q1, 0, q1.length);
        vec.quickGelu(q2, 0, q2.length);
        close(q1, q2, 1e-6);
        float[] dy = x.clone(), g1 = new float[x.length + 3], g2 = new float[x.length + 3];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) Math.cos(i);
        ref.quickGeluBackward(x, dy, g1, 1, x.length - 1);
        vec.quickGeluBackward(x, dy, g2, 1, x.length - 1);
        close(g1, g2, 1e-6);
        // exact GELU: the float kernel against the double reference (its erf within 5e-7, the rest rounding)
        float[] e1 = x.clone(), e2 = x.clone();
        ref.gelu(e1, 1, x.length - 1);
        vec.gelu(e2, 1, x.length - 1);
        close(e1, e2, 2e-6);
        float[] h1 = new float[x.length + 3], h2 = new float[x.length + 3];
        ref.geluBackward(x, dy, h1, 1, x.length - 1);
        vec.geluBackward(x, dy, h2, 1, x.length - 1);
        close(h1, h2, 2e-6);
        float[] s1 = x.clone(), s2 = x.clone();
        ref.softmax(s1, 0, width);
        vec.softmax(s2, 0, width);
        close(s1, s2, 1e-6);
    }

    @Test
    void erfAndGeluAgainstKnownValues() {
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(-0.5204998778130465, Erf.erf(-0.5), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3.0), 1e-15);
        assertEquals(0.1124629160182849, Erf.erf(0.1), 1e-15);
        assertEquals(0.9999999845827421, Erf.erf(4.0), 1e-15);
        assertEquals(0.6778011938374184, Erf.erf(0.7), 1e-15);
        assertEquals(0.9999992569016276, Erf.erf(3.5), 1e-15);
        assertEquals(-0.9661051464753108, Erf.erf(-1.5), 1e-15);
        for (Kernels k : new Kernels[] {ref, vec}) {
            float[] x = {1f, -2f, 0f};
            k.gelu(x, 0, 3);
            assertEquals(0.8413447460685429, x[0], 1e-6);
            assertEquals(-0.04550026389635842, x[1], 1e-6);
            assertEquals(0f, x[2], 0f);
            // g'(1) = Φ(1) + φ(1), g'(-2) = Φ(-2) - 2 φ(-2)
            float[] d = new float[3];
            k.geluBackward(new float[] {1f, -2f, 0f}, new float[] {1f, 1f, 2f}, d, 0, 3);
            assertEquals(0.8413447460685429 + 0.24197072451914337, d[0], 1e-6);
            assertEquals(0.022750131948179195 - 2 * 0.05399096651318806, d[1], 1e-6);
            assertEquals(1f, d[2], 1e-7);
        }
    }

    @Test
    void quickGeluDefinition() {
        float[] x = {1f};
        ref.quickGelu(x, 0, 1);
        assertEquals(1.0 / (1.0 + Math.exp(-1.702)), x[0], 1e-7);
    }
}
