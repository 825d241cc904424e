package io.clip4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The tier-independent exp, erf and lane sum: bit for bit equal to their scalar twins, and close to Math.exp. */
class VectorMathTest {
    private static final int L = VectorMath.lanes();

    private static float[] lanes(FloatVector v) {
        return v.toArray();
    }

    /** A kernel's scalar twin: what one lane must give, bit for bit. */
    private interface ScalarTwin {
        float apply(float x);
    }

    /** The vector function's lanes on x, each checked bit for bit against the scalar twin on the same input. */
    private static float[] lanesMatchingTwin(
            String name, UnaryOperator<FloatVector> vector, ScalarTwin twin, float[] x) {
        float[] y = lanes(vector.apply(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)));
        for (int i = 0; i < L; i++) {
            assertEquals(
                    Float.floatToIntBits(twin.apply(x[i])),
                    Float.floatToIntBits(y[i]),
                    "lane of " + name + "(" + x[i] + ")");
        }
        return y;
    }

    @Test
    void expMatchesItsScalarTwinBitForBitAndMathExpWithinTwoUlps() {
        Random r = new Random(7);
        float[] x = new float[L];
        int checked = 0;
        for (int round = 0; round < 20000; round++) {
            for (int i = 0; i < L; i++) {
                // mostly the ranges the model feeds (softmax: <= 0, QuickGELU: -1.702 v), some far out
                x[i] = switch (round % 4) {
                    case 0 -> (float) (-30 * r.nextDouble());
                    case 1 -> (float) (20 * r.nextGaussian());
                    case 2 -> (float) (-87 + 175 * r.nextDouble());
                    default -> (float) (1e-3 * r.nextGaussian());
                };
            }
            float[] y = lanesMatchingTwin("exp", VectorMath::exp, VectorMath::exp, x);
            for (int i = 0; i < L; i++) {
                float exact = (float) Math.exp(x[i]);
                if (x[i] > -87.3f && x[i] < 88.3f) {
                    assertTrue(
                            Math.abs(y[i] - exact) <= 2 * Math.ulp(exact),
                            "exp(" + x[i] + ") = " + y[i] + ", Math.exp " + exact);
                    checked++;
                }
            }
        }
        assertTrue(checked > 100000);
    }

    @Test
    void expSaturatesOutsideTheFloatRangeAndKeepsNaN() {
        assertEquals(1f, VectorMath.exp(0f), 0f);
        assertTrue(VectorMath.exp(-1000f) > 0 && VectorMath.exp(-1000f) < 1.2e-38f, "tiny, not zero or negative");
        assertTrue(Float.isFinite(VectorMath.exp(1000f)) && VectorMath.exp(1000f) > 2e38f);
        assertTrue(Float.isNaN(VectorMath.exp(Float.NaN)));
        float[] x = new float[L];
        Arrays.fill(x, Float.NaN);
        x[0] = Float.NEGATIVE_INFINITY;
        float[] y = lanesMatchingTwin("exp", VectorMath::exp, VectorMath::exp, x);
        for (int i = 1; i < L; i++) assertTrue(Float.isNaN(y[i]), "lane " + i);
    }

    @Test
    void floatErfIsWithinHalfAMillionthOfTheDoubleErfAndMatchesItsScalarTwinBitForBit() {
        // every 1e-5 over [-6, 6] (past ±4 the clamp gives ±1, float's nearest value to erf there), then NaN and ±∞
        float[] x = new float[L];
        double worst = 0;
        int n = 0;
        for (int j = -600000; j <= 600000; j += L) {
            for (int i = 0; i < L; i++) x[i] = (j + i) * 1e-5f;
            float[] y = lanesMatchingTwin("erf", VectorMath::erf, VectorMath::erf, x);
            for (int i = 0; i < L; i++) {
                worst = Math.max(worst, Math.abs(y[i] - Erf.erf(x[i])));
                n++;
            }
        }
        assertTrue(n > 1_000_000);
        assertTrue(worst < 5e-7, "worst error " + worst);
        assertEquals(0f, VectorMath.erf(0f), 0f);
        assertEquals(1f, VectorMath.erf(Float.POSITIVE_INFINITY), 1e-7f);
        assertEquals(-1f, VectorMath.erf(-1e30f), 1e-7f);
        assertTrue(Float.isNaN(VectorMath.erf(Float.NaN)));
    }

    @Test
    void laneSumIsPairwiseInAFixedOrder() {
        Random r = new Random(11);
        float[] x = new float[L];
        for (int round = 0; round < 10000; round++) {
            for (int i = 0; i < L; i++) x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
            float v = VectorMath.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0));
            assertEquals(Float.floatToIntBits(VectorMath.sum(x)), Float.floatToIntBits(v));
            double exact = 0, mag = 0;
            for (float f : x) {
                exact += f;
                mag += Math.abs(f);
            }
            assertTrue(Math.abs(v - exact) <= 1e-6 * mag + 1e-30, "sum " + v + " vs " + exact);
        }
    }
}
