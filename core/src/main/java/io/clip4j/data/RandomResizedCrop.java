package io.clip4j.data;

import java.util.Random;

/**
 * torchvision 0.14's {@code RandomResizedCrop.get_params}: up to 10 attempts drawing an area fraction uniformly
 * from {@code scale} and an aspect ratio log-uniformly from {@code ratio}; a box that fits is placed uniformly at
 * random; when none fits, the centre crop of the image clamped to the ratio range (the whole image when its own
 * ratio is inside the range). Random numbers come from a {@link Random} (not torch's generator), so boxes are
 * distributed as torchvision's but are not the same draws. Immutable and thread-safe.
 */
public final class RandomResizedCrop {
    /** A crop box in pixels: top row, left column, height, width (torchvision's i, j, h, w). */
    public record Box(int top, int left, int height, int width) {}

    /** open_clip's training crop: scale (0.9, 1.0), torchvision's default ratio (3/4, 4/3). */
    public static final RandomResizedCrop OPEN_CLIP = new RandomResizedCrop(0.9, 1.0, 3.0 / 4.0, 4.0 / 3.0);

    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;

    public RandomResizedCrop(double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("scale must satisfy 0 < min <= max <= 1");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax))
            throw new IllegalArgumentException("ratio must satisfy 0 < min <= max");
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
    }

    public Box params(int width, int height, Random rng) {
        double area = (double) height * width;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            // Python's round(): half to even
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int i = rng.nextInt(height - h + 1);
                int j = rng.nextInt(width - w + 1);
                return new Box(i, j, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    private static double uniform(Random rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }
}
