package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class GeometryTest {
    /** An "L" image whose pixel (x, y) is x + 10 * y. */
    static DecodedImage ramp(int w, int h) {
        byte[] s = new byte[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) s[y * w + x] = (byte) (x + 10 * y);
        return DecodedImage.of8("L", w, h, s);
    }

    @Test
    void centerCropRoundsHalfToEven() {
        // (7 - 4) / 2 = 1.5 -> 2; (9 - 4) / 2 = 2.5 -> 2; (5 - 4) / 2 = 0.5 -> 0
        assertEquals(2, PillowImageOps.centerCrop(ramp(7, 4), 4, 4).sample(0, 0, 0));
        assertEquals(2, PillowImageOps.centerCrop(ramp(9, 4), 4, 4).sample(0, 0, 0));
        assertEquals(0, PillowImageOps.centerCrop(ramp(5, 4), 4, 4).sample(0, 0, 0));
        assertEquals(20, PillowImageOps.centerCrop(ramp(4, 9), 4, 4).sample(0, 0, 0));
    }

    @Test
    void centerCropPadsSmallImagesWithZerosLikeTorchvision() {
        // 2x1 -> 5x4: pad left (5-2)//2 = 1, right 2, top (4-1)//2 = 1, bottom 2
        byte[] s = {7, 9};
        DecodedImage c = PillowImageOps.centerCrop(DecodedImage.of8("L", 2, 1, s), 5, 4);
        assertEquals(5, c.width());
        assertEquals(4, c.height());
        int[][] expect = {{0, 0, 0, 0, 0}, {0, 7, 9, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};
        for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) assertEquals(expect[y][x], c.sample(x, y, 0));
    }

    @Test
    void resizedSizeFollowsTorchvision() {
        assertArrayEquals(new int[] {6054, 224}, ImagePreprocessor.resizedSize(1000, 37, 224));
        assertArrayEquals(new int[] {224, 1819}, ImagePreprocessor.resizedSize(41, 333, 224));
        assertArrayEquals(new int[] {224, 224}, ImagePreprocessor.resizedSize(7, 7, 224));
        assertArrayEquals(new int[] {225, 224}, ImagePreprocessor.resizedSize(225, 224, 224));
        assertArrayEquals(new int[] {313, 224}, ImagePreprocessor.resizedSize(7, 5, 224)); // 224*7/5 = 313.6
    }

    @Test
    void imagesSmallerThanTheResolutionAreUpscaled() {
        float[] t = ImagePreprocessor.openAi(16)
                .preprocess(ramp(3, 2).withPixels(3, 2, new byte[] {50, 50, 50, 50, 50, 50}, null));
        assertEquals(3 * 16 * 16, t.length);
        float expected = (50 / 255f - 0.48145466f) / 0.26862954f;
        for (int i = 0; i < 16 * 16; i++) assertEquals(expected, t[i], 0f);
    }

    @Test
    void fixedPointCoefficientsSumToOneAndFollowTheBicubicKernel() {
        PillowResize.Coefficients c = PillowResize.coefficients(100, 0f, 100f, 50, PillowResize.Filter.BICUBIC);
        assertEquals(9, c.ksize); // support 2 * scale 2 = 4 -> ceil * 2 + 1
        int[] kk = c.fixedPoint();
        int sum = 0;
        for (int i = 0; i < c.count[10]; i++) sum += kk[10 * c.ksize + i];
        assertTrue(Math.abs(sum - (1 << 22)) <= 4, "sum " + sum);
        // output pixel 10 is centred at 21.0 in the source: window [17, 25) (rounded bounds), symmetric weights
        assertEquals(17, c.start[10]);
        assertEquals(8, c.count[10]);
        assertEquals(kk[10 * c.ksize], kk[10 * c.ksize + 7]);
        assertTrue(kk[10 * c.ksize] < 0, "outer lobe is negative");
    }

    @Test
    void resizeWithAFullBoxAndSameSizeIsACopy() {
        byte[] s = ramp(6, 5).samples();
        assertArrayEquals(
                s, PillowResize.resize8(s, 6, 5, 1, 6, 5, PillowResize.fullBox(6, 5), PillowResize.Filter.BICUBIC));
    }

    @Test
    void boxSelectsTheSourceRegion() {
        // crop-by-box at integer, same-size bounds: a pure shift (weights 1 at the centre tap)
        byte[] s = ramp(8, 8).samples();
        byte[] out = PillowResize.resize8(s, 8, 8, 1, 4, 4, new float[] {2, 3, 6, 7}, PillowResize.Filter.BICUBIC);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertEquals((x + 2) + 10 * (y + 3), out[y * 4 + x]);
    }

    @Test
    void floatAndIntPathsAgreeOnSmoothData() {
        int w = 40, h = 30;
        float[] f = new float[w * h];
        int[] iv = new int[w * h];
        for (int i = 0; i < f.length; i++) {
            f[i] = (i % w) * 3 + (i / w) * 2;
            iv[i] = (int) f[i];
        }
        float[] rf =
                PillowResize.resizeFloat(f, w, h, 1, 17, 13, PillowResize.fullBox(w, h), PillowResize.Filter.BICUBIC);
        int[] ri = PillowResize.resizeInt(iv, w, h, 17, 13, PillowResize.fullBox(w, h), PillowResize.Filter.BICUBIC);
        for (int i = 0; i < rf.length; i++) assertEquals(rf[i], ri[i], 1.0f);
    }

    @Test
    void nearestPicksPillowsSourcePixels() {
        // 5 -> 2: a0 = 2.5, xo = 1.25, 3.75 -> source columns 1 and 3
        byte[] s = {0, 1, 2, 3, 4};
        assertArrayEquals(new byte[] {1, 3}, PillowResize.resizeNearest(s, 5, 1, 1, 2, 1, PillowResize.fullBox(5, 1)));
    }

    @Test
    void rgbaPremultiplyRoundTripUsesPillowsRounding() {
        byte[] px = {(byte) 255, 101, 3, (byte) 128, 9, 9, 9, 0};
        byte[] pre = PillowConvert.premultiply(px, 4);
        assertEquals(128, pre[0] & 0xFF); // (255*128+128) -> 128
        assertEquals(51, pre[1] & 0xFF); // 101*128/255 = 50.7 -> 51
        assertEquals(2, pre[2] & 0xFF); // 1.506 -> 2
        assertEquals(0, pre[4]);
        byte[] back = PillowConvert.unpremultiply(pre, 4);
        assertEquals(255, back[0] & 0xFF);
        assertEquals(101, back[1] & 0xFF); // 255*51/128 = 101.6 -> 101
        assertEquals(3, back[2] & 0xFF); // 255*2/128 = 3.98 -> 3
        assertEquals(0, back[4]); // alpha 0: premultiplied zeros stay
    }

    @Test
    void cmykConvertsWithPillowsNaiveFormula() {
        byte[] s = {0, (byte) 255, 100, 50};
        byte[] rgb = PillowConvert.toRgb(DecodedImage.of8("CMYK", 1, 1, s));
        // nk = 205; R = 205 - 0 = 205; G = 205 - 205 = 0; B = 205 - round(100*205/255) = 205 - 80 = 125
        assertArrayEquals(new byte[] {(byte) 205, 0, 125}, rgb);
    }
}
