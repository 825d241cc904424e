package io.clip4j.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CLIP's reference preprocessing: torchvision 0.14 {@code Compose([Resize(R, BICUBIC), CenterCrop(R),
 * convert("RGB"), ToTensor(), Normalize(mean, std)])} over a Pillow 9.4 image, reproduced to the 8-bit level.
 * Immutable and thread-safe.
 */
public final class ImagePreprocessor {
    private final int resolution;
    private final float[] mean;
    private final float[] std;
    private final long maxPixels;

    public ImagePreprocessor(int resolution, float[] mean, float[] std) {
        this(resolution, mean, std, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    private ImagePreprocessor(int resolution, float[] mean, float[] std, long maxPixels) {
        if (resolution <= 0) throw new IllegalArgumentException("resolution must be positive: " + resolution);
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values");
        }
        for (int i = 0; i < 3; i++) {
            // a zero, negative or non-finite std (or a non-finite mean) would make every pixel NaN or infinite
            if (!(std[i] > 0) || !Float.isFinite(std[i]) || !Float.isFinite(mean[i])) {
                throw new IllegalArgumentException(
                        "degenerate normalisation: mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std));
            }
        }
        if (maxPixels <= 0) throw new IllegalArgumentException("maxPixels must be positive");
        this.resolution = resolution;
        this.mean = mean.clone();
        this.std = std.clone();
        this.maxPixels = maxPixels;
    }

    /** CLIP's normalisation constants (OpenAI). */
    public static ImagePreprocessor openAi(int resolution) {
        return new ImagePreprocessor(resolution, new float[] {0.48145466f, 0.4578275f, 0.40821073f}, new float[] {
            0.26862954f, 0.26130258f, 0.27577711f
        });
    }

    public ImagePreprocessor withMaxPixels(long maxPixels) {
        return new ImagePreprocessor(resolution, mean, std, maxPixels);
    }

    public int resolution() {
        return resolution;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** CHW float[3 * R * R], normalised. */
    public float[] preprocess(Path file) {
        return preprocess(ImageDecoder.decode(file, maxPixels));
    }

    public float[] preprocess(byte[] encoded, String nameForErrors) {
        return preprocess(ImageDecoder.decode(encoded, nameForErrors, maxPixels));
    }

    /** Treats the image as Pillow would an "RGB", "RGBA" or "L" image with the same (sRGB) content. */
    public float[] preprocess(BufferedImage image) {
        return preprocess(ImageDecoder.fromBufferedImage(image));
    }

    public float[] preprocess(DecodedImage image) {
        return normalize(rgbLevels(image));
    }

    /** The 8-bit RGB levels (HWC, R*R*3) after resize, centre crop and convert("RGB"): before ToTensor. */
    public byte[] rgbLevels(DecodedImage image) {
        int[] size = resizedSize(image.width(), image.height(), resolution);
        DecodedImage resized = PillowImageOps.resizeBicubic(image, size[0], size[1], null);
        DecodedImage cropped = PillowImageOps.centerCrop(resized, resolution, resolution);
        return PillowConvert.toRgb(cropped);
    }

    /**
     * torchvision 0.14 Resize(int) output size {width, height}: the short side becomes R, the long side
     * int(R * long / short) (true division, truncated); unchanged when the short side already is R.
     */
    public static int[] resizedSize(int width, int height, int r) {
        if (width <= height) {
            return new int[] {r, (int) ((double) ((long) r * height) / width)};
        }
        return new int[] {(int) ((double) ((long) r * width) / height), r};
    }

    /** ToTensor (level / 255 in float32) then Normalize ((x - mean) / std in float32), HWC -> CHW. */
    public float[] normalize(byte[] rgb) {
        int n = rgb.length / 3;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            for (int i = 0; i < n; i++) {
                float x = (rgb[3 * i + c] & 0xFF) / 255f;
                out[c * n + i] = (x - m) / s;
            }
        }
        return out;
    }
}
