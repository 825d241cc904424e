package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/** Images Pillow refuses as broken, and a JPEG scan bomb (issue 14). */
class HostileImagesTest {
    private static String refusal(byte[] data, String name) {
        Clip4jException e = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> assertThrows(
                        Clip4jException.class, () -> ImageDecoder.decode(data, name, ImageDecoder.DEFAULT_MAX_PIXELS)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static BufferedImage gradient(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 90);
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    // ---- PNG ----

    /** Offset of the first chunk of {@code type} (its length field). */
    private static int chunkAt(byte[] png, String type) {
        int p = 8;
        while (p + 8 <= png.length) {
            int len = ByteBuffer.wrap(png, p, 4).getInt();
            if (new String(png, p + 4, 4, StandardCharsets.US_ASCII).equals(type)) return p;
            p += 12 + len;
        }
        throw new AssertionError("no " + type);
    }

    private static byte[] badCrc(byte[] png, String type) {
        byte[] b = png.clone();
        int p = chunkAt(b, type);
        int crcAt = p + 8 + ByteBuffer.wrap(b, p, 4).getInt();
        b[crcAt + 3] ^= 0x5a;
        return b;
    }

    @Test
    void pngWithABadCrcBeforeTheImageDataIsBroken() throws IOException {
        byte[] png = encode(gradient(16, 16, BufferedImage.TYPE_INT_RGB), "png");
        assertEquals("x.png: corrupt PNG data (bad CRC in the IHDR chunk)", refusal(badCrc(png, "IHDR"), "x.png"));
        // an ancillary chunk before IDAT: Pillow checks it too
        ByteArrayOutputStream withText = new ByteArrayOutputStream();
        int idat = chunkAt(png, "IDAT");
        withText.write(png, 0, idat);
        DecoderErrorsTest.chunk(withText, "tEXt", "Comment\0hi".getBytes(StandardCharsets.ISO_8859_1));
        withText.write(png, idat, png.length - idat);
        byte[] text = withText.toByteArray();
        ImageDecoder.decode(text, "ok.png", ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals("x.png: corrupt PNG data (bad CRC in the tEXt chunk)", refusal(badCrc(text, "tEXt"), "x.png"));
        // Pillow skips the CRCs of IDAT and of the chunks after it: so do we
        DecodedImage good = ImageDecoder.decode(png, "ok.png", ImageDecoder.DEFAULT_MAX_PIXELS);
        for (String type : new String[] {"IDAT", "IEND"}) {
            DecodedImage d = ImageDecoder.decode(badCrc(png, type), "ok.png", ImageDecoder.DEFAULT_MAX_PIXELS);
            assertEquals(good.width(), d.width());
        }
    }

    // ---- GIF ----

    /** A 2x2 GIF with a 2-colour global palette and the given LZW data (minimum code size 2). */
    private static byte[] gif(byte... lzw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {2, 0, 2, 0, (byte) 0x80, 0, 0}); // screen 2x2, global palette of 2
        out.writeBytes(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0}); // frame 2x2 at 0,0
        out.write(2); // minimum code size
        out.write(lzw.length);
        out.writeBytes(lzw);
        out.write(0);
        out.write(0x3B);
        return out.toByteArray();
    }

    /** Packs 3-bit codes LSB first (the table stays below 8 entries for these few codes). */
    private static byte[] codes3(int... codes) {
        long bits = 0;
        for (int i = 0; i < codes.length; i++) bits |= (long) codes[i] << (3 * i);
        return Arrays.copyOf(
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(bits)
                        .array(),
                (3 * codes.length + 7) / 8);
    }

    @Test
    void gifWithBrokenLzwDataIsBroken() {
        // clear (4), literal 1, then 1 1 0: four pixels, end (5)
        DecodedImage ok = ImageDecoder.decode(gif(codes3(4, 1, 1, 1, 0, 5)), "ok.gif", ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals(2, ok.width());
        // code 7 when the next free entry is 6
        assertEquals("x.gif: corrupt GIF data (broken LZW data stream)", refusal(gif(codes3(4, 7, 5)), "x.gif"));
        // code 6 (the next entry) right after a clear: nothing to build it from
        assertEquals("x.gif: corrupt GIF data (broken LZW data stream)", refusal(gif(codes3(4, 6, 5)), "x.gif"));
    }

    // ---- BMP ----

    @Test
    void bmpWhosePixelDataIsMissingIsTruncated() throws IOException {
        byte[] bmp = encode(gradient(16, 16, BufferedImage.TYPE_INT_RGB), "bmp");
        ImageDecoder.decode(bmp, "ok.bmp", ImageDecoder.DEFAULT_MAX_PIXELS);
        byte[] cut = Arrays.copyOf(bmp, bmp.length - 16 * 3 * 4); // the last 4 rows are missing
        assertTrue(refusal(cut, "x.bmp").startsWith("x.bmp: truncated BMP data"));
        byte[] headerOnly = Arrays.copyOf(bmp, 54);
        assertTrue(refusal(headerOnly, "x.bmp").startsWith("x.bmp: truncated BMP data"));
    }

    // ---- JPEG ----

    private static byte[] progressiveJpeg(BufferedImage img) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, null), p);
        }
        w.dispose();
        return out.toByteArray();
    }

    @Test
    void progressiveJpegWithThousandsOfScansIsAScanBomb() throws IOException {
        BufferedImage img = gradient(1024, 1024, BufferedImage.TYPE_INT_RGB);
        byte[] jpeg = progressiveJpeg(img);
        DecodedImage ok = ImageDecoder.decode(jpeg, "ok.jpg", ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals(1024, ok.width());
        // repeat the last scan (a small refinement over the whole image) 5000 times before EOI
        int last = -1;
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xda) last = i;
        }
        int eoi = jpeg.length - 2;
        assertEquals(0xd9, jpeg[eoi + 1] & 0xff);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.write(jpeg, 0, eoi);
        for (int i = 0; i < 5000; i++) bomb.write(jpeg, last, eoi - last);
        bomb.write(jpeg, eoi, 2);
        String m = refusal(bomb.toByteArray(), "bomb.jpg");
        assertEquals("bomb.jpg: corrupt JPEG data (more than 32 passes over each component: a scan bomb?)", m);
    }
}
