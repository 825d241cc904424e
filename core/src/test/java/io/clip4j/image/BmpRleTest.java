package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * BMP RLE8/RLE4 against Pillow 9.4 (issue 14): the rows below are Pillow's answers, printed by
 * scripts/bmp-rle-reference.py on BMPs built as {@link #bmp} builds them; the two 41x29 files were written by
 * ImageIO's RLE encoders, their expected pixels are the sha256 of Pillow's {@code tobytes()}.
 */
class BmpRleTest {
    static final Object[][] CASES = {
        {"runs and end of line", 4, 2, 8, 1, "colour", false, -1, "0103000004020001", "P 0202020203000000"},
        {
            "literal run of odd length, padded",
            5,
            2,
            8,
            1,
            "colour",
            false,
            -1,
            "0003010203000204000005050001",
            "P 05050505050102030404"
        },
        {"run longer than its row is cut", 3, 2, 8, 1, "colour", false, -1, "0901000003020001", "P 020202010101"},
        {
            "delta reads two bytes late",
            4,
            3,
            8,
            1,
            "colour",
            false,
            -1,
            "0101000201010203000004040001",
            "P 000000000000000001000000"
        },
        {"top-down", 2, 2, 8, 1, "colour", true, -1, "0201000002020001", "P 01010202"},
        {"grey palette is L", 3, 1, 8, 1, "grey256", false, -1, "034d0001", "L 4d4d4d"},
        {"data after the last pixel", 2, 1, 8, 1, "colour", false, -1, "02050001090909", "P 0505"},
        {"offset 0: after the palette", 2, 1, 8, 1, "colour", false, 0, "02030001", "P 0303"},
        {
            "odd offset: alignment on the file position",
            3,
            1,
            8,
            1,
            "colour",
            false,
            119,
            "00000301020300000001",
            "P 010203"
        },
        {"rle4 runs and literals", 5, 2, 4, 2, "colour", false, -1, "051200000004345601070001", "P 03040506000102010201"
        },
        {"rle4 grey ramp is L", 4, 1, 4, 2, "grey16", false, -1, "04010001", "L 00010001"},
        {"ends before the last row", 4, 3, 8, 1, "colour", false, -1, "0401000004", "error truncated BMP RLE data"},
        {
            "end of bitmap before the last row",
            4,
            3,
            8,
            1,
            "colour",
            false,
            -1,
            "040100000001",
            "error truncated BMP RLE data"
        },
        {
            "literal run cut by the end of the file",
            4,
            2,
            8,
            1,
            "colour",
            false,
            -1,
            "040100040102",
            "error truncated BMP RLE data"
        },
        {
            "literal run flows into the next row",
            3,
            2,
            8,
            1,
            "colour",
            false,
            -1,
            "000501020304050000000001",
            "P 040500010203"
        },
        {"delta cut short", 4, 3, 8, 1, "colour", false, -1, "01010002010102", "error delta escape cut short"},
        {"rle4 odd literal loses a pixel", 4, 1, 4, 2, "colour", false, -1, "00039ab000000001", "P 090a0000"},
        {"rle4 ends early", 4, 2, 4, 2, "colour", false, -1, "0412000002", "error truncated BMP RLE data"},
        {"black and white", 3, 1, 8, 1, "bw", false, -1, "03010001", "error black-and-white"}
    };

    static List<int[]> palette(String kind) {
        return switch (kind) {
            case "colour" ->
                List.of(
                        new int[] {10, 20, 30},
                        new int[] {200, 0, 0},
                        new int[] {0, 200, 0},
                        new int[] {0, 0, 200},
                        new int[] {50, 60, 70},
                        new int[] {80, 90, 100},
                        new int[] {1, 2, 3},
                        new int[] {4, 5, 6},
                        new int[] {7, 8, 9},
                        new int[] {11, 12, 13},
                        new int[] {14, 15, 16},
                        new int[] {17, 18, 19},
                        new int[] {21, 22, 23},
                        new int[] {24, 25, 26},
                        new int[] {27, 28, 29},
                        new int[] {31, 32, 33});
            case "grey256" ->
                IntStream.range(0, 256).mapToObj(i -> new int[] {i, i, i}).toList();
            case "grey16" ->
                IntStream.range(0, 16).mapToObj(i -> new int[] {i, i, i}).toList();
            case "bw" -> List.of(new int[] {0, 0, 0}, new int[] {255, 255, 255});
            default -> throw new AssertionError(kind);
        };
    }

    /** The BMP of the reference script: file header, 40-byte info header, BGRX palette, then the data. */
    static byte[] bmp(
            int w, int h, int bits, int compression, String paletteKind, boolean topDown, int offset, byte[] data) {
        List<int[]> pal = palette(paletteKind);
        int palBytes = 4 * pal.size();
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + palBytes + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B')
                .put((byte) 'M')
                .putInt(b.capacity())
                .putInt(0)
                .putInt(offset < 0 ? 14 + 40 + palBytes : offset);
        b.putInt(40)
                .putInt(w)
                .putInt(topDown ? -h : h)
                .putShort((short) 1)
                .putShort((short) bits)
                .putInt(compression)
                .putInt(data.length)
                .putInt(2835)
                .putInt(2835)
                .putInt(pal.size())
                .putInt(0);
        for (int[] c : pal) b.put((byte) c[2]).put((byte) c[1]).put((byte) c[0]).put((byte) 0);
        return b.put(data).array();
    }

    @Test
    void decodesAndRefusesAsPillow() {
        for (Object[] c : CASES) {
            String name = (String) c[0], expected = (String) c[9];
            byte[] file = bmp(
                    (int) c[1],
                    (int) c[2],
                    (int) c[3],
                    (int) c[4],
                    (String) c[5],
                    (boolean) c[6],
                    (int) c[7],
                    HexFormat.of().parseHex((String) c[8]));
            if (expected.startsWith("error ")) {
                Clip4jException e = assertThrows(
                        Clip4jException.class,
                        () -> ImageDecoder.decode(file, name, ImageDecoder.DEFAULT_MAX_PIXELS),
                        name);
                assertTrue(
                        e.getMessage().startsWith(name + ": ") && e.getMessage().contains(expected.substring(6)),
                        name + ": " + e.getMessage());
                assertFalse(e.getMessage().contains("\n"));
            } else {
                String[] mp = expected.split(" ");
                DecodedImage im = ImageDecoder.decode(file, name, ImageDecoder.DEFAULT_MAX_PIXELS);
                assertEquals(mp[0], im.mode(), name);
                assertEquals(mp[1], HexFormat.of().formatHex(im.samples()), name);
            }
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void filesWrittenByAnRleEncoderDecodeToPillowsPixels() throws Exception {
        String[][] files = {
            {"rle8_41x29.bmp", "9615e8aa1ad54200d11bed2d175b392ce6e0d05cd8d77341430990da00592af6"},
            {"rle4_41x29.bmp", "cfbc1db02712ce6a3f66fd0cf0af0fd01ba2dd999124983405ad43091eb8b1b5"}
        };
        for (String[] f : files) {
            byte[] file = ReferenceFixturesTest.resource(f[0]);
            DecodedImage im = ImageDecoder.decode(file, f[0], ImageDecoder.DEFAULT_MAX_PIXELS);
            assertEquals("P", im.mode());
            assertEquals(41, im.width());
            assertEquals(29, im.height());
            assertEquals(f[1], sha256(im.samples()), f[0]);
            // Pillow: without the end-of-bitmap escape still whole; cut into the last rows, not enough image data
            assertEquals(
                    f[1],
                    sha256(ImageDecoder.decode(
                                    Arrays.copyOf(file, file.length - 2), f[0], ImageDecoder.DEFAULT_MAX_PIXELS)
                            .samples()));
            int data =
                    ByteBuffer.wrap(file, 10, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            for (int cut : new int[] {file.length - 40, data + (file.length - data) / 2}) {
                Clip4jException e = assertThrows(
                        Clip4jException.class,
                        () -> ImageDecoder.decode(Arrays.copyOf(file, cut), f[0], ImageDecoder.DEFAULT_MAX_PIXELS));
                assertTrue(e.getMessage().contains("truncated BMP RLE data"), e.getMessage());
            }
        }
    }

    @Test
    void aDeltaPastTheEndIsBoundedWork() {
        // every delta adds up to 255 rows of nothing: the decoder counts them, it does not write them
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) data.writeBytes(new byte[] {0, 2, 0, 0, (byte) 255, (byte) 255});
        byte[] file = bmp(4_000, 1_000, 8, 1, "colour", false, -1, data.toByteArray());
        DecodedImage im = ImageDecoder.decode(file, "delta.bmp", ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals(4_000, im.width());
        byte[] s = im.samples();
        for (byte v : s) if (v != 0) throw new AssertionError("skipped pixels are index 0");
    }
}
