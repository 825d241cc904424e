package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Files written with ImageIO, decoded into the mode Pillow 9.4 gives, and pushed through the pipeline. */
class FormatModesTest {
    private static final int R = 32;
    private static final ImagePreprocessor PRE = ImagePreprocessor.openAi(R);

    static byte[] write(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    static DecodedImage decode(byte[] b) {
        return ImageDecoder.decode(b, "test", ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    static void assertAllRgb(byte[] rgb, int r, int g, int b) {
        for (int i = 0; i < rgb.length; i += 3) {
            assertEquals(r, rgb[i] & 0xFF, "R at " + i / 3);
            assertEquals(g, rgb[i + 1] & 0xFF, "G at " + i / 3);
            assertEquals(b, rgb[i + 2] & 0xFF, "B at " + i / 3);
        }
    }

    @Test
    void sixteenBitGreyPngIsModeIAndClipsAt255WhenConvertedToRgb() throws IOException {
        BufferedImage img = new BufferedImage(40, 50, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 50; y++) for (int x = 0; x < 40; x++) r.setSample(x, y, 0, y < 25 ? 100 : 40000);
        DecodedImage d = decode(write(img, "png"));
        assertEquals("I", d.mode());
        assertEquals(100, d.sample(3, 3, 0));
        assertEquals(40000, d.sample(3, 40, 0));
        // uniform halves: int resize keeps 100 in the top rows, i2rgb clips 40000 to 255 in the bottom rows
        byte[] rgb = PRE.rgbLevels(d);
        assertEquals(100, rgb[0] & 0xFF);
        assertEquals(255, rgb[rgb.length - 1] & 0xFF);
    }

    @Test
    void greyAlphaPngIsLaAndTheResizeRoundTripsThroughPremultipliedLevels() throws IOException {
        ColorSpace gray = ColorSpace.getInstance(ColorSpace.CS_GRAY);
        ComponentColorModel cm =
                new ComponentColorModel(gray, true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(48, 40);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                r.setSample(x, y, 0, 200);
                r.setSample(x, y, 1, 128);
            }
        }
        DecodedImage d = decode(write(new BufferedImage(cm, r, false, null), "png"));
        assertEquals("LA", d.mode());
        assertEquals(200, d.sample(0, 0, 0));
        assertEquals(128, d.sample(0, 0, 1));
        // La: MULDIV255(200, 128) = 100; resize keeps 100; LA: 255 * 100 / 128 = 199 (truncated): not 200
        assertAllRgb(PRE.rgbLevels(d), 199, 199, 199);
    }

    @Test
    void palettePngWithTransparencyIsModePAndResizesWithNearest() throws IOException {
        byte[] reds = {10, (byte) 250, 0}, greens = {20, 0, (byte) 250}, blues = {30, 0, 0};
        byte[] alphas = {0, (byte) 255, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 3, reds, greens, blues, alphas);
        BufferedImage img = new BufferedImage(2 * R, 2 * R, BufferedImage.TYPE_BYTE_INDEXED, icm);
        WritableRaster r = img.getRaster();
        // odd rows and columns index 0 (transparent, colour 10/20/30), the rest index 1 (red)
        for (int y = 0; y < 2 * R; y++)
            for (int x = 0; x < 2 * R; x++) r.setSample(x, y, 0, (x % 2 == 1 && y % 2 == 1) ? 0 : 1);
        DecodedImage d = decode(write(img, "png"));
        assertEquals("P", d.mode());
        assertNotNull(d.paletteAlpha());
        assertEquals(0, d.paletteAlpha()[0]);
        // NEAREST halving samples source pixels 1, 3, 5, ... (xo = 1 + 2k): all index 0, whose colour is kept
        // although it is transparent (convert("RGB") ignores transparency). A bicubic resize would blend in red.
        assertAllRgb(PRE.rgbLevels(d), 10, 20, 30);
    }

    @Test
    void gifIsPaletteModeFirstFrame() throws IOException {
        byte[] reds = {(byte) 200, 5}, greens = {100, 6}, blues = {50, 7};
        IndexColorModel icm = new IndexColorModel(1, 2, reds, greens, blues);
        BufferedImage img = new BufferedImage(R, R, BufferedImage.TYPE_BYTE_BINARY, icm);
        DecodedImage d = decode(write(img, "gif"));
        assertEquals("P", d.mode());
        assertEquals(R, d.width());
        assertAllRgb(PRE.rgbLevels(d), 200, 100, 50);
    }

    @Test
    void gifWithGreyRampGlobalPaletteIsModeL() {
        // hand-made GIF: 4x1 screen, global palette (0,0,0),(1,1,1),(2,2,2),(3,3,3), pixels 0 1 2 3
        // LZW (min code size 2): clear(4) 0 1 2 3 end(5), 3-bit codes packed LSB first
        int[] codes = {4, 0, 1, 2, 3, 5};
        int[] widths = {3, 3, 3, 3, 4, 4}; // once code 2 adds table entry 7, codes are 4 bits wide
        long bits = 0;
        int n = 0;
        for (int i = 0; i < codes.length; i++) {
            bits |= (long) codes[i] << n;
            n += widths[i];
        }
        byte[] lzw = new byte[(n + 7) / 8];
        for (int i = 0; i < lzw.length; i++) lzw[i] = (byte) (bits >> (8 * i));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'G', 'I', 'F', '8', '9', 'a', 4, 0, 1, 0, (byte) 0x81, 0, 0});
        for (int i = 0; i < 4; i++) out.writeBytes(new byte[] {(byte) i, (byte) i, (byte) i});
        out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 4, 0, 1, 0, 0, 2, (byte) lzw.length});
        out.writeBytes(lzw);
        out.writeBytes(new byte[] {0, 0x3B});
        DecodedImage d = decode(out.toByteArray());
        assertEquals("L", d.mode());
        for (int x = 0; x < 4; x++) assertEquals(x, d.sample(x, 0, 0));
    }

    @Test
    void bmpModes() throws IOException {
        BufferedImage rgb = new BufferedImage(R, R + 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < R + 8; y++) for (int x = 0; x < R; x++) rgb.setRGB(x, y, 0x123456);
        DecodedImage d = decode(write(rgb, "bmp"));
        assertEquals("RGB", d.mode());
        assertEquals(R + 8, d.height());
        assertAllRgb(PRE.rgbLevels(d), 0x12, 0x34, 0x56);

        BufferedImage grey = new BufferedImage(R, R, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(5, 7, 0, 77);
        DecodedImage g = decode(write(grey, "bmp"));
        assertEquals("L", g.mode()); // 8-bit BMP whose palette is the grey ramp
        assertEquals(77, g.sample(5, 7, 0));
        assertEquals(0, g.sample(6, 7, 0));

        BufferedImage bin = new BufferedImage(R, R, BufferedImage.TYPE_BYTE_BINARY);
        bin.getRaster().setSample(1, 1, 0, 1);
        DecodedImage b = decode(write(bin, "bmp"));
        assertEquals("1", b.mode()); // black/white palette
        assertEquals(255, b.sample(1, 1, 0));
        assertEquals(0, b.sample(0, 0, 0));
    }

    @Test
    void bufferedImageMatchesTheDecodedFile() throws IOException {
        byte[] file = ReferenceFixturesTest.resource("chelsea.png");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(file));
        ImagePreprocessor pre = ImagePreprocessor.openAi(224);
        assertArrayEquals(pre.preprocess(file, "chelsea.png"), pre.preprocess(img));
    }

    @Test
    void sixteenBitRgbPngKeepsTheHighByte() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(4, 4);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) r.setPixel(x, y, new int[] {0x12FF, 0xAB80, 0x0001});
        DecodedImage d = decode(write(new BufferedImage(cm, r, false, null), "png"));
        assertEquals("RGB", d.mode());
        assertEquals(0x12, d.sample(0, 0, 0)); // truncation, not rounding (0x12FF would round to 0x13)
        assertEquals(0xAB, d.sample(0, 0, 1));
        assertEquals(0, d.sample(0, 0, 2));
        Raster unused = r;
        assertNotNull(unused);
    }
}
