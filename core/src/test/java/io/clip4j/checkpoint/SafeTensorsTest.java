package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    @Test
    void writerRoundTripsTensorsAndMetadataWithAlignedHeader() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("b", Tensor.ofFloats("b", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6}));
        in.put("a", Tensor.ofFloats("a", new int[] {1}, new float[] {7.5f}));
        Path f = tmp.resolve("x.safetensors");
        SafeTensorsWriter.write(f, in, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLen % 8);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertArrayEquals(
                    new float[] {1, 2, 3, 4, 5, -6}, st.tensors().get("b").toFloatArray());
            assertArrayEquals(new int[] {2, 3}, st.tensors().get("b").shape());
            assertArrayEquals(new float[] {7.5f}, st.tensors().get("a").toFloatArray());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count()); // no temp file left behind
        }
    }

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private String refusal(Path f) {
        Clip4jException e = assertThrows(
                Clip4jException.class, () -> SafeTensorsFile.open(f).close());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void refusesShortFile() throws IOException {
        Path f = tmp.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(refusal(f).contains("shorter than the 8-byte header length"));
    }

    @Test
    void refusesHeaderLongerThanFile() throws IOException {
        Path f = tmp.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(f, b.array());
        assertTrue(refusal(f).contains("header length 1000 exceeds the file size 16"));
    }

    @Test
    void refusesNonJsonAndNonObjectHeaders() throws IOException {
        assertTrue(refusal(file("{not json", 0)).contains("not valid JSON"));
        assertTrue(refusal(file("[1, 2]  ", 0)).contains("not a JSON object"));
    }

    @Test
    void refusesUnknownDtype() throws IOException {
        String m = refusal(file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
        assertTrue(m.contains("tensor 'w' has unknown dtype 'F8_E4M3'"), m);
    }

    @Test
    void refusesNegativeAndOverflowingShapes() throws IOException {
        assertTrue(refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4))
                .contains("tensor 'w' has an invalid shape"));
        String m = refusal(file(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647]," + "\"data_offsets\":[0,4]}}",
                4));
        assertTrue(m.contains("overflows"), m);
    }

    @Test
    void refusesOffsetsOutsideDataArea() throws IOException {
        String m = refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8));
        assertTrue(m.contains("tensor 'w' data_offsets [4, 12] lie outside the data area of 8 bytes"), m);
    }

    @Test
    void refusesSizeThatDisagreesWithShape() throws IOException {
        String m = refusal(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(m.contains("tensor 'w' holds 8 bytes but F32[3] needs 12"), m);
    }

    @Test
    void refusesOverlappingTensors() throws IOException {
        String m = refusal(file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                12));
        assertTrue(m.contains("tensors 'a' and 'b' overlap"), m);
    }

    @Test
    void refusesDuplicateTensorNames() throws IOException {
        String m = refusal(file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                8));
        assertTrue(m.contains("not valid JSON") && m.contains("a"), m);
    }
}
