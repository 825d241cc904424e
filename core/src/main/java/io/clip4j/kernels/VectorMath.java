package io.clip4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, erf and lane sums on vectors built only from exactly specified IEEE operations (add, mul, fma, lane moves), so
 * that a kernel gives the same bits whether it runs interpreted, in C1 or in C2. The Vector API's own
 * {@code lanewise(EXP)} (SVML in C2, Math.exp per lane otherwise) and {@code reduceLanes(ADD)} (a tree in C2, a
 * sequence otherwise) differ in the last bits between those tiers, so the first image a fresh JVM embeds would
 * not match the same image embedded a second later. Each vector function has a scalar twin computing the same
 * operations per lane, its reference in the tests (bit for bit).
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = S.length();

    // Cephes expf: exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x - n ln 2 with ln 2 split in two so that
    // n · LN2_HI is exact; exp(r) on |r| <= ln 2 / 2 by a degree-6 polynomial (max error ~1 ulp).
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f,
            P1 = 1.3981999507e-3f,
            P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f,
            P5 = 5.0000001201e-1f;
    /** The range where 2^n stays a normal float (n in [-126, 127]); outside it the result saturates. */
    private static final float LO = -87.33654f, HI = 88.37626f;
    /** Adding and subtracting 1.5 · 2^23 rounds a float of magnitude < 2^22 to the nearest integer (ties to even). */
    private static final float ROUND = 12582912f;

    /** SHIFTS[s] moves lane i + s to lane i (mod L), s = L/2, L/4, ..., 1: the steps of the pairwise lane sum. */
    private static final VectorShuffle<Float>[] SHIFTS = shifts();

    private VectorMath() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] shifts() {
        VectorShuffle<Float>[] s = new VectorShuffle[L];
        for (int step = L / 2; step >= 1; step /= 2) {
            int[] idx = new int[L];
            for (int i = 0; i < L; i++) idx[i] = (i + step) % L;
            s[step] = VectorShuffle.fromArray(S, idx, 0);
        }
        return s;
    }

    // erf on [-4, 4] as x·P(x²)/Q(x²), P of degree 6 and Q of degree 4 in x²: the float rational fit Eigen and XLA
    // use (max error 4.5e-7 against the double Erf on [-6, 6]: VectorKernelsTest.floatErfIsWithinHalfAMillionth);
    // beyond ±4 a float erf is ±1.
    private static final float ERF_A1 = -1.60960333262415e-02f,
            ERF_A3 = -2.95459980854025e-03f,
            ERF_A5 = -7.34990630326855e-04f,
            ERF_A7 = -5.69250639462346e-05f,
            ERF_A9 = -2.10102402082508e-06f,
            ERF_A11 = 2.77068142495902e-08f,
            ERF_A13 = -2.72614225801306e-10f;
    private static final float ERF_B0 = -1.42647390514189e-02f,
            ERF_B2 = -7.37332916720468e-03f,
            ERF_B4 = -1.68282697438203e-03f,
            ERF_B6 = -2.13374055278905e-04f,
            ERF_B8 = -1.45660718464996e-05f;

    /** erf(x) per lane (absolute error < 5e-7; NaN stays NaN). */
    static FloatVector erf(FloatVector x) {
        FloatVector c = x.max(-4f).min(4f);
        FloatVector t = c.mul(c);
        FloatVector p = t.fma(ERF_A13, ERF_A11);
        p = p.fma(t, FloatVector.broadcast(S, ERF_A9));
        p = p.fma(t, FloatVector.broadcast(S, ERF_A7));
        p = p.fma(t, FloatVector.broadcast(S, ERF_A5));
        p = p.fma(t, FloatVector.broadcast(S, ERF_A3));
        p = p.fma(t, FloatVector.broadcast(S, ERF_A1));
        FloatVector q = t.fma(ERF_B8, ERF_B6);
        q = q.fma(t, FloatVector.broadcast(S, ERF_B4));
        q = q.fma(t, FloatVector.broadcast(S, ERF_B2));
        q = q.fma(t, FloatVector.broadcast(S, ERF_B0));
        return p.mul(c).div(q);
    }

    /** The scalar twin of {@link #erf(FloatVector)}: the same operations on one lane. */
    static float erf(float x) {
        float c = Math.min(Math.max(x, -4f), 4f);
        float t = c * c;
        float p = Math.fma(t, ERF_A13, ERF_A11);
        p = Math.fma(p, t, ERF_A9);
        p = Math.fma(p, t, ERF_A7);
        p = Math.fma(p, t, ERF_A5);
        p = Math.fma(p, t, ERF_A3);
        p = Math.fma(p, t, ERF_A1);
        float q = Math.fma(t, ERF_B8, ERF_B6);
        q = Math.fma(q, t, ERF_B4);
        q = Math.fma(q, t, ERF_B2);
        q = Math.fma(q, t, ERF_B0);
        return p * c / q;
    }

    /** e^x per lane (relative error ~1e-7; saturates to e^-87.3 and e^88.4 outside that range; NaN stays NaN). */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(LO).min(HI);
        FloatVector n = c.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), c);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        p = p.fma(r.mul(r), r.add(1f));
        IntVector bits =
                ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations on one lane. */
    static float exp(float x) {
        float c = Math.min(Math.max(x, LO), HI);
        float n = Math.fma(c, LOG2E, ROUND) - ROUND;
        float r = Math.fma(n, -LN2_HI, c);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r + 1f);
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** The sum of the lanes, pairwise in a fixed order: lane i + L/2 onto lane i, then i + L/4, ... */
    static float sum(FloatVector v) {
        for (int step = L / 2; step >= 1; step /= 2) v = v.add(v.rearrange(SHIFTS[step]));
        return v.lane(0);
    }

    /** The scalar twin of {@link #sum(FloatVector)} over lanes[0, L). */
    static float sum(float[] lanes) {
        float[] v = lanes.clone();
        for (int step = L / 2; step >= 1; step /= 2) {
            float[] next = new float[L];
            for (int i = 0; i < L; i++) next[i] = v[i] + v[(i + step) % L];
            v = next;
        }
        return v[0];
    }

    static int lanes() {
        return L;
    }
}
