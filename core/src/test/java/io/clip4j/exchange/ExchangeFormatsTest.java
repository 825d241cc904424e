package io.clip4j.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExchangeFormatsTest {
    @TempDir
    Path tmp;

    @Test
    void snappyLiteralsAndBothCopyKinds() {
        // "abc" literal, then a 1-byte-offset copy of 9 (overlapping), then a 2-byte-offset copy of 6 at offset 12
        byte[] in = {18, 0x08, 'a', 'b', 'c', 0x15, 3, (byte) ((6 - 1) << 2 | 2), 12, 0};
        assertEquals(
                "abcabcabcabcabcabc", new String(Snappy.decompress(in, 0, in.length, 18), StandardCharsets.US_ASCII));
        // a copy reaching before the start, and a length that disagrees with the page, are errors
        byte[] before = {4, 0x15, 3};
        assertThrows(IllegalArgumentException.class, () -> Snappy.decompress(before, 0, before.length, 4));
        assertThrows(IllegalArgumentException.class, () -> Snappy.decompress(in, 0, in.length, 17));
    }

    @Test
    void rleHybridRunsAndBitPackedGroups() {
        // run of 5 x value 3 (bit width 2), then one bit-packed group of 8: 0..3,0..3
        byte[] b = {(byte) (5 << 1), 3, (byte) (1 << 1 | 1), (byte) 0b11100100, (byte) 0b11100100};
        int[] out = new int[13];
        RleHybridDecoder.decode(b, 0, b.length, 2, 13, out);
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3}, out);
        assertThrows(IllegalArgumentException.class, () -> RleHybridDecoder.decode(b, 0, 3, 2, 13, new int[13]));
    }

    @Test
    void readsStringColumnsClip4jWrote() {
        Path f = tmp.resolve("m.parquet");
        List<String> paths = List.of("/a/1.jpg", "/b/ümlaut.png", "");
        ParquetWriter.writeStrings(f, List.of("image_path", "caption"), List.of(paths, List.of("x", "y", "z")));
        try (ParquetFile pf = ParquetFile.open(f)) {
            assertEquals(3, pf.rows());
            assertEquals(paths, pf.strings("image_path"));
            assertEquals(List.of("x", "y", "z"), pf.strings("caption"));
            Clip4jException e = assertThrows(Clip4jException.class, () -> pf.strings("nope"));
            assertTrue(e.getMessage().startsWith(f + ": no column nope"), e.getMessage());
        }
    }

    @Test
    void truncatedOrForeignFilesAreOneLine() throws IOException {
        Path f = tmp.resolve("m.parquet");
        ParquetWriter.writeStrings(f, List.of("image_path"), List.of(List.of("/a.jpg", "/b.jpg")));
        byte[] all = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.parquet");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        Clip4jException e = assertThrows(Clip4jException.class, () -> ParquetFile.open(cut));
        assertTrue(e.getMessage().contains("not a Parquet file"), e.getMessage());
        // the footer intact but the data page overwritten: the column read names the file and the column
        byte[] broken = all.clone();
        for (int i = 4; i < 20; i++) broken[i] = (byte) 0xFF;
        Path bad = tmp.resolve("bad.parquet");
        Files.write(bad, broken);
        try (ParquetFile pf = ParquetFile.open(bad)) {
            Clip4jException e2 = assertThrows(Clip4jException.class, () -> pf.strings("image_path"));
            assertTrue(e2.getMessage().startsWith(bad + ": corrupt column image_path"), e2.getMessage());
        }
    }

    private static void npy(Path f, String descr, int rows, int cols, byte[] data) throws IOException {
        byte[] h = NpyFiles.header(descr, rows, cols);
        byte[] all = Arrays.copyOf(h, h.length + data.length);
        System.arraycopy(data, 0, all, h.length, data.length);
        Files.write(f, all);
    }

    @Test
    void npyFloat32AndFloat16Rows() throws IOException {
        ByteBuffer f32 = ByteBuffer.allocate(4 * 6).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1, 2, 3, 4, 5, 6}) f32.putFloat(v);
        Path a = tmp.resolve("a.npy");
        npy(a, "<f4", 2, 3, f32.array());
        NpyMatrix m = NpyMatrix.read(a);
        assertEquals(2, m.rows());
        assertArrayEquals(new float[] {4, 5, 6}, m.row(1));

        ByteBuffer f16 = ByteBuffer.allocate(2 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {0.5f, -0.25f, 1.5f, 65504f}) f16.putShort(Float.floatToFloat16(v));
        Path b = tmp.resolve("b.npy");
        npy(b, "<f2", 2, 2, f16.array());
        assertArrayEquals(new float[] {1.5f, 65504f}, NpyMatrix.read(b).row(1));

        Path cut = tmp.resolve("cut.npy");
        npy(cut, "<f4", 2, 3, Arrays.copyOf(f32.array(), 20));
        Clip4jException e = assertThrows(Clip4jException.class, () -> NpyMatrix.read(cut));
        assertTrue(
                e.getMessage().startsWith(cut + ": holds 20 data bytes")
                        && e.getMessage().contains("truncated"),
                e.getMessage());
        Path ints = tmp.resolve("i.npy");
        npy(ints, "<i8", 1, 1, new byte[8]);
        assertTrue(assertThrows(Clip4jException.class, () -> NpyMatrix.read(ints))
                .getMessage()
                .contains("dtype <i8"));
    }
}
