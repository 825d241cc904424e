package io.clip4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Exact GELU and its derivative, both kernels, against PyTorch's F.gelu and autograd on a grid over [-8, 8] and the
 * far tails (scripts/gelu-reference.py): within 1e-6 of the float64 values and of PyTorch's own float32 ones.
 */
class GeluReferenceTest {
    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }

    private static void within(String what, float[] want, float[] got, double tol) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol, what + " at point " + i);
    }

    @Test
    void geluAndItsGradientMatchPyTorch() throws IOException {
        JsonNode root = Fixtures.JSON.readTree(Files.readString(Fixtures.resource("kernels/gelu_expected.json")));
        float[] x = floats(root.get("x"));
        assertTrue(x.length > 1600);
        float[] ones = new float[x.length];
        Arrays.fill(ones, 1f);
        for (Kernels k : new Kernels[] {new ScalarKernels(), Kernels.best()}) {
            String name = k.getClass().getSimpleName();
            float[] y = x.clone();
            k.gelu(y, 0, y.length);
            within(name + " gelu vs float64", floats(root.get("gelu_f64")), y, 1e-6);
            within(name + " gelu vs PyTorch float32", floats(root.get("gelu_f32")), y, 1.5e-6);
            float[] d = new float[x.length];
            k.geluBackward(x, ones, d, 0, x.length);
            within(name + " gelu' vs float64", floats(root.get("grad_f64")), d, 1e-6);
            within(name + " gelu' vs PyTorch float32", floats(root.get("grad_f32")), d, 1.5e-6);
        }
    }
}
