package io.clip4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The distillation loss and its gradient against PyTorch (scripts/distill-loss-reference.py). */
class DistillLossTest {
    static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }

    @Test
    void lossAndGradientMatchPyTorch() throws IOException {
        JsonNode root = Fixtures.JSON.readTree(Files.readString(Fixtures.resource("distill/loss_expected.json")));
        assertEquals(4, root.get("cases").size());
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int b = c.get("batch").asInt(),
                    m = c.get("m").asInt(),
                    e = c.get("embed").asInt();
            DistillLoss.Result r = DistillLoss.compute(
                    floats(c.get("student")),
                    floats(c.get("teacher")),
                    floats(c.get("anchors")),
                    b,
                    m,
                    e,
                    c.get("scale").asDouble(),
                    c.get("temperature").asDouble(),
                    c.get("l1_weight").asDouble());
            double want = c.get("loss").asDouble();
            assertEquals(want, r.loss(), 1e-5 * Math.max(1, Math.abs(want)), name + " loss");
            assertEquals(
                    c.get("kl").asDouble(),
                    r.kl(),
                    1e-6 * Math.max(1, c.get("kl").asDouble()),
                    name + " kl");
            assertEquals(c.get("l1").asDouble(), r.l1(), 1e-7, name + " l1");
            float[] g = floats(c.get("gradient"));
            double max = 0;
            for (float x : g) max = Math.max(max, Math.abs(x));
            for (int i = 0; i < g.length; i++) {
                assertEquals(g[i], r.gradient()[i], 1e-4 * Math.max(max, 1e-3), name + " gradient[" + i + "]");
            }
            assertTrue(r.loss() > 0, name);
        }
    }

    @Test
    void aStudentEqualToItsTeacherHasZeroLossAndGradient() {
        float[] t = {0.6f, 0.8f, 0f, 0f, 1f, 0f};
        float[] s = {3f, 4f, 0f, 0f, 2f, 0f}; // same directions, other lengths
        assertEquals(0, DistillLoss.compute(s, t, t, 2, 2, 3, 100, 4, 1).loss(), 1e-7);
        DistillLoss.Result r =
                DistillLoss.compute(s, t, t, 2, 2, 3, 100, 4, 0); // L1's subgradient at 0 is rounding noise
        assertEquals(0, r.loss(), 1e-9);
        for (float x : r.gradient()) assertEquals(0, x, 1e-6);
    }
}
