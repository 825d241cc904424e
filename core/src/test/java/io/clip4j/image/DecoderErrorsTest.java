package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.*;

import io.clip4j.Clip4jException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoderErrorsTest {
    private static final ImagePreprocessor PRE = ImagePreprocessor.openAi(224);

    private static String messageOf(byte[] data, String name) {
        Clip4jException e = assertThrows(Clip4jException.class, () -> PRE.preprocess(data, name));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** A PNG whose IHDR claims the given size, followed by a tiny IDAT and IEND: no real pixel data. */
    static byte[] pngHeaderClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void decompressionBombIsRefusedFromTheHeader() throws IOException {
        assertEquals(
                "huge.png: 20000x20000 = 400000000 pixels exceeds the limit of 89478485 (decompression bomb?)",
                messageOf(pngHeaderClaiming(20000, 20000), "huge.png"));
        // just under the limit is not refused for its size (it then fails on the missing data instead)
        Clip4jException e = assertThrows(
                Clip4jException.class,
                () -> PRE.withMaxPixels(1_000_000).preprocess(pngHeaderClaiming(1000, 1000), "big.png"));
        String m = e.getMessage();
        assertFalse(m.contains("decompression bomb"), m);
    }

    @Test
    void pixelLimitIsConfigurable() throws IOException {
        byte[] camera = ReferenceFixturesTest.resource("camera.png");
        Clip4jException e = assertThrows(
                Clip4jException.class, () -> PRE.withMaxPixels(512 * 512 - 1).preprocess(camera, "camera.png"));
        assertEquals(
                "camera.png: 512x512 = 262144 pixels exceeds the limit of 262143 (decompression bomb?)",
                e.getMessage());
        assertEquals(3 * 224 * 224, PRE.withMaxPixels(512 * 512).preprocess(camera, "camera.png").length);
    }

    @Test
    void bombsInOtherFormatsAreRefusedToo() {
        // GIF logical screen 65535 x 65535
        byte[] gif = {
            'G',
            'I',
            'F',
            '8',
            '9',
            'a',
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            0,
            0,
            0,
            0x2C,
            0,
            0,
            0,
            0,
            1,
            0,
            1,
            0,
            0,
            2,
            2,
            0x4C,
            0x01,
            0,
            0x3B
        };
        assertTrue(messageOf(gif, "g.gif").startsWith("g.gif: 65535x65535 = 4294836225 pixels exceeds"));
        // JPEG SOF0 claiming 60000 x 60000
        byte[] jpg = {
            (byte) 0xFF,
            (byte) 0xD8,
            (byte) 0xFF,
            (byte) 0xC0,
            0,
            11,
            8,
            (byte) 0xEA,
            0x60,
            (byte) 0xEA,
            0x60,
            1,
            1,
            0x11,
            0,
            (byte) 0xFF,
            (byte) 0xD9
        };
        assertTrue(messageOf(jpg, "j.jpg").startsWith("j.jpg: 60000x60000 = 3600000000 pixels exceeds"));
    }

    @Test
    void truncatedPng() throws IOException {
        byte[] full = ReferenceFixturesTest.resource("chelsea.png");
        for (int cut : new int[] {full.length / 2, full.length - 20, 40, 20}) {
            String m = messageOf(Arrays.copyOf(full, cut), "chelsea.png");
            assertTrue(m.startsWith("chelsea.png: truncated PNG data"), cut + ": " + m);
        }
    }

    @Test
    void truncatedJpeg() throws IOException {
        byte[] full = ReferenceFixturesTest.resource("rocket.jpg");
        for (int cut : new int[] {full.length / 2, full.length - 100, 300, 10}) {
            String m = messageOf(Arrays.copyOf(full, cut), "photo.jpg");
            assertTrue(m.startsWith("photo.jpg: truncated JPEG data"), cut + ": " + m);
        }
    }

    @Test
    void emptyTextAndMissingFiles(@TempDir Path dir) throws IOException {
        assertEquals("empty.png: empty file", messageOf(new byte[0], "empty.png"));
        assertEquals(
                "notes.txt: not an image (unrecognised format)",
                messageOf("hello, world\n".getBytes(StandardCharsets.UTF_8), "notes.txt"));
        Path txt = dir.resolve("notes.txt");
        Files.writeString(txt, "just some text");
        assertEquals(
                txt + ": not an image (unrecognised format)",
                assertThrows(Clip4jException.class, () -> PRE.preprocess(txt)).getMessage());
        assertEquals(
                dir.resolve("missing.jpg") + ": no such file",
                assertThrows(Clip4jException.class, () -> PRE.preprocess(dir.resolve("missing.jpg")))
                        .getMessage());
    }

    @Test
    void garbageAfterAValidSignatureIsAnError() {
        byte[] png = {
            (byte) 0x89,
            'P',
            'N',
            'G',
            0x0D,
            0x0A,
            0x1A,
            0x0A,
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            13,
            14,
            15,
            16,
            17,
            18,
            19,
            20,
            21,
            22,
            23,
            24,
            25
        };
        String m = messageOf(png, "bad.png");
        assertTrue(m.startsWith("bad.png: corrupt PNG data"), m);
        byte[] gif = "GIF89a garbage that is not a gif".getBytes(StandardCharsets.US_ASCII);
        assertTrue(messageOf(gif, "bad.gif").startsWith("bad.gif: "));
        byte[] bmp = "BM garbage that is not a bitmap at all, really".getBytes(StandardCharsets.US_ASCII);
        assertTrue(messageOf(bmp, "bad.bmp").startsWith("bad.bmp: "));
    }
}
