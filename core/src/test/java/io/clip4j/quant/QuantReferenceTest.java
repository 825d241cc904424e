package io.clip4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.SafeTensorsFile;
import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;
import io.clip4j.kernels.ScalarKernels;
import io.clip4j.kernels.VectorKernels;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * clip4j's q8_0 / q4_0 against the numpy reference of scripts/quant-reference.py (src/test/resources/quant): the same
 * integers and scales bit for bit, the same dequantised floats bit for bit, and one-line refusals of broken files.
 */
class QuantReferenceTest {
    @TempDir
    Path tmp;

    static Path fixture(QuantScheme s) {
        return Fixtures.resources().resolve("quant").resolve(s.id.substring(0, 4) + ".safetensors");
    }

    static byte[] bytes(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @EnumSource(QuantScheme.class)
    void quantisesLikeTheReference(QuantScheme s) {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture(s));
                Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> q = QuantizedTensors.quantise("w", f.tensors().get("input"), s, arena);
            assertArrayEquals(bytes(f.tensors().get("w." + s.suffix)), bytes(q.get("w." + s.suffix)), "integers");
            assertArrayEquals(bytes(f.tensors().get("w.scale")), bytes(q.get("w.scale")), "scales");
            assertEquals(s.stored, q.get("w." + s.suffix).dtype());
        }
    }

    @ParameterizedTest
    @EnumSource(QuantScheme.class)
    void dequantisesLikeTheReference(QuantScheme s) {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture(s))) {
            Map<String, Tensor> folded = QuantizedTensors.fold(f.path(), f.tensors(), f.metadata());
            Tensor w = folded.get("w");
            assertNotNull(w.blocks());
            assertTrue(!folded.containsKey("w.scale") && !folded.containsKey("w." + s.suffix));
            float[] expected = f.tensors().get("dequantised").toFloatArray();
            assertArrayEquals(expected, w.toFloatArray());
            for (int i = 0; i < expected.length; i += 5) assertEquals(expected[i], w.getFloat(i));
            assertArrayEquals(
                    expected, Tensor.ofFloats("d", w.shape(), w.toFloatArray()).toFloatArray());
            assertEquals(-1, w.firstNonFinite());
        }
    }

    /** The GEMM over quantised rows gives exactly what it gives over the dequantised floats (odd sizes). */
    @ParameterizedTest
    @EnumSource(QuantScheme.class)
    void gemmOverBlocksMatchesDequantisedFloats(QuantScheme s) {
        Kernels vec = new VectorKernels(), ref = new ScalarKernels();
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture(s))) {
            Tensor w =
                    QuantizedTensors.fold(f.path(), f.tensors(), f.metadata()).get("w");
            float[] deq = f.tensors().get("dequantised").toFloatArray();
            int out = 7, in = 77;
            Random r = new Random(3);
            for (int rows : new int[] {1, 5, 13, 50}) {
                float[] x = new float[rows * in], bias = new float[out];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                for (boolean half : new boolean[] {false, true}) {
                    float[] expect = new float[rows * out], got = new float[rows * out], scalar = new float[rows * out];
                    Matrix plain = half
                            ? new Matrix(MemorySegment.ofArray(deq), DType.F32, out, in, true)
                            : Matrix.of(deq, out, in);
                    vec.linear(x, 0, rows, plain, bias, expect, 0);
                    vec.linear(x, 0, rows, new Matrix(w.blocks(), half, "w"), bias, got, 0);
                    assertArrayEquals(expect, got, "rows " + rows + (half ? " half" : ""));
                    if (half) continue; // fp16 panels round the dequantised values; the scalar kernel reads them exact
                    ref.linear(x, 0, rows, new Matrix(w.blocks(), false, "w"), bias, scalar, 0);
                    for (int i = 0; i < got.length; i++)
                        assertEquals(scalar[i], got[i], 1e-3 * Math.max(1, Math.abs(scalar[i])));
                }
            }
        }
    }

    private Path rewrite(QuantScheme s, Map<String, Tensor> replace, Map<String, String> metadata) {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture(s))) {
            Map<String, Tensor> t = new LinkedHashMap<>(f.tensors());
            t.putAll(replace);
            t.values().removeIf(x -> x == null);
            Map<String, String> m = new LinkedHashMap<>(f.metadata());
            m.putAll(metadata);
            Path out = tmp.resolve("broken-" + s.suffix + ".safetensors");
            SafeTensorsWriter.write(out, t, m);
            return out;
        }
    }

    private static String refusal(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Clip4jException e = assertThrows(
                    Clip4jException.class, () -> QuantizedTensors.fold(f.path(), f.tensors(), f.metadata()));
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return e.getMessage();
        }
    }

    @ParameterizedTest
    @EnumSource(QuantScheme.class)
    void refusesBrokenFiles(QuantScheme s) {
        String unknown = refusal(rewrite(s, Map.of(), Map.of("clip4j.quant", "q5_1/32")));
        assertTrue(unknown.contains("unknown quantisation scheme 'q5_1/32'"), unknown);

        Tensor fewScales = new Tensor(
                "w.scale", DType.F16, new int[] {7, 2}, Arena.ofAuto().allocate(28));
        String scales = refusal(rewrite(s, Map.of("w.scale", fewScales), Map.of()));
        assertTrue(scales.contains("'w.scale'") && scales.contains("F16[7, 3]"), scales);

        int perRow = 3 * s.blockBytes - 4;
        Tensor truncated = new Tensor(
                "w." + s.suffix, s.stored, new int[] {7, perRow}, Arena.ofAuto().allocate(7 * perRow));
        String trunc = refusal(rewrite(s, Map.of("w." + s.suffix, truncated), Map.of()));
        assertTrue(trunc.contains("'w." + s.suffix + "'") && trunc.contains("truncated"), trunc);

        Map<String, Tensor> noScale = new LinkedHashMap<>();
        noScale.put("w.scale", null);
        String missing = refusal(rewrite(s, noScale, Map.of()));
        assertTrue(missing.contains("has no tensor 'w.scale'"), missing);

        try (SafeTensorsFile f = SafeTensorsFile.open(fixture(s))) {
            String both = refusal(rewrite(s, Map.of("w", f.tensors().get("input")), Map.of()));
            assertTrue(both.contains("'w' is stored both"), both);
        }

        String shape = refusal(rewrite(s, Map.of(), Map.of("clip4j.shape.w", "[7, x]")));
        assertTrue(shape.contains("clip4j.shape.w"), shape);
    }

    /** A weight may name its own scheme (a mixed file): q8_0 blocks inside a q4_0 file fold like a q8_0 file's. */
    @Test
    void aWeightMayNameItsOwnScheme() {
        Path mixed =
                rewrite(QuantScheme.Q8_0, Map.of(), Map.of("clip4j.quant", "q4_0/32", "clip4j.quant.w", "q8_0/32"));
        try (SafeTensorsFile f = SafeTensorsFile.open(mixed);
                SafeTensorsFile ref = SafeTensorsFile.open(fixture(QuantScheme.Q8_0))) {
            Tensor w =
                    QuantizedTensors.fold(f.path(), f.tensors(), f.metadata()).get("w");
            assertEquals("q8_0/32", w.blocks().scheme());
            assertArrayEquals(ref.tensors().get("dequantised").toFloatArray(), w.toFloatArray());
        }
        String unknown = refusal(rewrite(QuantScheme.Q4_0, Map.of(), Map.of("clip4j.quant.w", "q2_k/256")));
        assertTrue(unknown.contains("unknown quantisation scheme 'q2_k/256' in __metadata__ clip4j.quant.w"), unknown);
        // the metadata says q8_0 but the blocks are q4_0 ones
        String wrong = refusal(rewrite(QuantScheme.Q4_0, Map.of(), Map.of("clip4j.quant.w", "q8_0/32")));
        assertTrue(wrong.contains("has no tensor 'w.q8'"), wrong);
    }
}
