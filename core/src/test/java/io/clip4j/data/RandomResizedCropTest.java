package io.clip4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageDecoder;
import io.clip4j.image.ImagePreprocessor;
import io.clip4j.image.PillowImageOps;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomResizedCropTest {
    static final float[] MEAN = CsvCaptionSourceTest.MEAN, STD = CsvCaptionSourceTest.STD;

    @Test
    void openClipBoxesCoverNinetyToHundredPercentWithBoundedAspect() {
        Random rng = new Random(42);
        int w = 400, h = 300;
        double minFrac = 1, maxFrac = 0, sumFrac = 0;
        int n = 5000, lefts = 0, whole = 0;
        for (int k = 0; k < n; k++) {
            RandomResizedCrop.Box b = RandomResizedCrop.OPEN_CLIP.params(w, h, rng);
            assertTrue(
                    b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= h && b.left() + b.width() <= w,
                    b.toString());
            double frac = (double) b.width() * b.height() / (w * h);
            double ratio = (double) b.width() / b.height();
            // rounding w and h to integers moves area and ratio by a pixel's worth
            assertTrue(frac > 0.9 - 0.01 && frac <= 1.0, "area " + frac);
            assertTrue(ratio >= 0.75 - 0.01 && ratio <= 4.0 / 3 + 0.01, "ratio " + ratio);
            minFrac = Math.min(minFrac, frac);
            maxFrac = Math.max(maxFrac, frac);
            sumFrac += frac;
            if (b.left() < (w - b.width()) / 2) lefts++;
            if (b.width() == w && b.height() == h) whole++;
        }
        assertTrue(minFrac < 0.91 && maxFrac > 0.97, minFrac + " " + maxFrac);
        // Expected values from an independent simulation of torchvision's get_params in Python (200,000 draws):
        // on a 4:3 image many draws do not fit, 36.6 % of the calls fall back to the whole image, mean area 0.9583
        double mean = sumFrac / n;
        assertEquals(0.9583, mean, 0.003, "mean area");
        assertEquals(0.366, (double) whole / n, 0.03, "fallbacks");
        assertTrue(Math.abs(lefts - (n - whole) / 2) < n / 10, "positions spread both ways: " + lefts);
    }

    @Test
    void fallbackIsTheRatioClampedCentreCrop() {
        // nothing can fit a 1000 x 10 strip at ratio <= 4/3 with 90 % of its area: 10 attempts fail
        RandomResizedCrop.Box b = RandomResizedCrop.OPEN_CLIP.params(1000, 10, new Random(0));
        assertEquals(new RandomResizedCrop.Box(0, (1000 - 13) / 2, 10, 13), b);
        b = RandomResizedCrop.OPEN_CLIP.params(10, 1000, new Random(0));
        assertEquals(new RandomResizedCrop.Box((1000 - 13) / 2, 0, 13, 10), b);
    }

    @Test
    void fullScaleOnASquareImageIsTheEvaluationTransform() {
        RandomResizedCrop full = new RandomResizedCrop(1.0, 1.0, 3.0 / 4, 4.0 / 3);
        DecodedImage img = ImageDecoder.fromBufferedImage(TestImages.image(50, 50, 3));
        float[] eval = new ImagePreprocessor(24, MEAN, STD).preprocess(img);
        for (int seed = 0; seed < 20; seed++) {
            Random rng = new Random(seed);
            assertEquals(new RandomResizedCrop.Box(0, 0, 50, 50), full.params(50, 50, new Random(seed)));
            assertArrayEquals(eval, ImageTransforms.pixels(img, 24, MEAN, STD, rng, full));
        }
        assertArrayEquals(eval, ImageTransforms.pixels(img, 24, MEAN, STD, null));
    }

    @Test
    void withoutRngNonSquareImagesGetTheReferencePreprocessing() {
        DecodedImage img = ImageDecoder.fromBufferedImage(TestImages.image(61, 37, 1));
        assertArrayEquals(
                new ImagePreprocessor(16, MEAN, STD).preprocess(img), ImageTransforms.pixels(img, 16, MEAN, STD, null));
    }

    @Test
    void augmentationIsCropThenPillowResizeOfTheDrawnBox() {
        DecodedImage img = ImageDecoder.fromBufferedImage(TestImages.image(64, 48, 2));
        RandomResizedCrop.Box box = RandomResizedCrop.OPEN_CLIP.params(64, 48, new Random(9));
        DecodedImage crop = PillowImageOps.crop(img, box.left(), box.top(), box.width(), box.height());
        DecodedImage resized = PillowImageOps.resizeBicubic(crop, 20, 20, null);
        float[] want = new ImagePreprocessor(20, MEAN, STD).normalize(resized.samples());
        assertArrayEquals(want, ImageTransforms.pixels(img, 20, MEAN, STD, new Random(9)));
    }
}
