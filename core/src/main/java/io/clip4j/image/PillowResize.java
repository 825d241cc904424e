package io.clip4j.image;

import java.util.Arrays;

/**
 * Pillow 9.4's {@code ImagingResample} (libImaging/Resample.c) and its nearest-neighbour {@code resize}, reproduced
 * bit for bit on pixel-interleaved planes.
 *
 * <p>Numerics that matter for exactness:
 * <ul>
 *   <li>separable convolution, horizontal pass first, over only the source rows the vertical pass will read;</li>
 *   <li>the filter support is widened by the downscale factor; bounds are rounded with {@code (int)(v + 0.5)}
 *       (truncation toward zero, as in C) and clipped to the image; weights are normalised to sum 1 in double;</li>
 *   <li>8-bit images: weights become fixed point with {@link #PRECISION_BITS} fractional bits (rounded away from 0),
 *       accumulated in a 32-bit int starting at one half, then shifted and clipped to 0..255, after each pass;</li>
 *   <li>"I" images: double accumulation, rounded half away from zero to int per pass; "F": double, stored as float;</li>
 *   <li>the source box is in float like Pillow's {@code box} argument; its width is a float difference.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class PillowResize {
    /** 32 - 8 - 2: room for 8 bits of result, sign and overshoot of the negative-lobed filters. */
    public static final int PRECISION_BITS = 32 - 8 - 2;

    /** A resampling filter: kernel and support radius at scale 1. */
    public enum Filter {
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                if (x < 0.0) x = -x;
                if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
                return 0.0;
            }
        },
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                if (x < 0.0) x = -x;
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    private PillowResize() {}

    /** Pillow's default box: the whole image. */
    public static float[] fullBox(int width, int height) {
        return new float[] {0f, 0f, width, height};
    }

    /** Coefficients of one pass: for output index i, source start {@code start[i]}, count {@code count[i]}. */
    static final class Coefficients {
        final int ksize;
        final int[] start;
        final int[] count;
        final double[] weights; // outSize * ksize

        Coefficients(int ksize, int[] start, int[] count, double[] weights) {
            this.ksize = ksize;
            this.start = start;
            this.count = count;
            this.weights = weights;
        }

        int[] fixedPoint() {
            int[] kk = new int[weights.length];
            double one = 1 << PRECISION_BITS;
            for (int i = 0; i < weights.length; i++) {
                double w = weights[i];
                kk[i] = w < 0 ? (int) (-0.5 + w * one) : (int) (0.5 + w * one);
            }
            return kk;
        }
    }

    /** Pillow's precompute_coeffs. */
    static Coefficients coefficients(int inSize, float in0, float in1, int outSize, Filter filter) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        double[] kk = new double[outSize * ksize];
        double ss = 1.0 / filterscale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            int base = xx * ksize;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * ss);
                kk[base + x] = w;
                ww += w;
            }
            if (ww != 0.0) {
                for (int x = 0; x < xmax; x++) kk[base + x] /= ww;
            }
            start[xx] = xmin;
            count[xx] = Math.max(xmax, 0);
        }
        return new Coefficients(ksize, start, count, kk);
    }

    private static void checkArgs(
            int length, int width, int height, int channels, int outWidth, int outHeight, float[] box) {
        if (width <= 0 || height <= 0 || outWidth <= 0 || outHeight <= 0 || channels <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        if ((long) width * height * channels != length) throw new IllegalArgumentException("plane size mismatch");
        if (box == null || box.length != 4) throw new IllegalArgumentException("box must be {x0, y0, x1, y1}");
        if (box[0] < 0
                || box[1] < 0
                || box[2] > width
                || box[3] > height
                || box[2] - box[0] < 0
                || box[3] - box[1] < 0) {
            throw new IllegalArgumentException("box outside the source image");
        }
    }

    private static boolean needHorizontal(int inWidth, int outWidth, float[] box) {
        // Pillow compares box[2] with the *output* width here; kept as is.
        return outWidth != inWidth || box[0] != 0 || box[2] != outWidth;
    }

    private static boolean needVertical(int inHeight, int outHeight, float[] box) {
        return outHeight != inHeight || box[1] != 0 || box[3] != outHeight;
    }

    /**
     * Resamples an 8-bit image of {@code channels} interleaved channels (each channel independently, as Pillow does
     * for L, LA, RGB, RGBA, CMYK and the premultiplied La/RGBa) from {@code box} of the source to outWidth x outHeight.
     */
    public static byte[] resize8(
            byte[] src, int width, int height, int channels, int outWidth, int outHeight, float[] box, Filter filter) {
        checkArgs(src.length, width, height, channels, outWidth, outHeight, box);
        boolean needH = needHorizontal(width, outWidth, box);
        boolean needV = needVertical(height, outHeight, box);
        Coefficients horiz = coefficients(width, box[0], box[2], outWidth, filter);
        Coefficients vert = coefficients(height, box[1], box[3], outHeight, filter);
        int yFirst = vert.start[0];
        int yLast = vert.start[outHeight - 1] + vert.count[outHeight - 1];
        byte[] cur = src;
        int curW = width;
        int curH = height;
        int rowShift = 0;
        if (needH) {
            int rows = yLast - yFirst;
            cur = horizontal8(src, width, channels, yFirst, rows, outWidth, horiz);
            curW = outWidth;
            curH = rows;
            rowShift = yFirst;
        }
        if (needV) {
            cur = vertical8(cur, curW, channels, rowShift, outHeight, vert);
            curH = outHeight;
        }
        if (!needH && !needV) cur = src.clone();
        assert cur.length == curW * curH * channels;
        return cur;
    }

    private static int clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static byte[] horizontal8(
            byte[] src, int width, int channels, int rowOffset, int rows, int outWidth, Coefficients c) {
        int[] kk = c.fixedPoint();
        byte[] out = new byte[outWidth * rows * channels];
        int[] ss = new int[channels];
        for (int yy = 0; yy < rows; yy++) {
            int inRow = (yy + rowOffset) * width * channels;
            int outRow = yy * outWidth * channels;
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = c.start[xx];
                int xmax = c.count[xx];
                int kb = xx * c.ksize;
                Arrays.fill(ss, 1 << (PRECISION_BITS - 1));
                for (int x = 0; x < xmax; x++) {
                    int k = kk[kb + x];
                    int p = inRow + (x + xmin) * channels;
                    for (int ch = 0; ch < channels; ch++) ss[ch] += (src[p + ch] & 0xFF) * k;
                }
                int o = outRow + xx * channels;
                for (int ch = 0; ch < channels; ch++) out[o + ch] = (byte) clip8(ss[ch]);
            }
        }
        return out;
    }

    /** Vertical pass; source row of bounds index b is {@code b - rowShift} in {@code src}. */
    private static byte[] vertical8(byte[] src, int width, int channels, int rowShift, int outHeight, Coefficients c) {
        int[] kk = c.fixedPoint();
        int stride = width * channels;
        byte[] out = new byte[outHeight * stride];
        int[] ss = new int[stride];
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = c.start[yy] - rowShift;
            int ymax = c.count[yy];
            int kb = yy * c.ksize;
            Arrays.fill(ss, 1 << (PRECISION_BITS - 1));
            for (int y = 0; y < ymax; y++) {
                int k = kk[kb + y];
                int row = (y + ymin) * stride;
                for (int i = 0; i < stride; i++) ss[i] += (src[row + i] & 0xFF) * k;
            }
            int o = yy * stride;
            for (int i = 0; i < stride; i++) out[o + i] = (byte) clip8(ss[i]);
        }
        return out;
    }

    /** Resamples a mode "I" image (32-bit ints): double sums, rounded half away from zero after each pass. */
    public static int[] resizeInt(
            int[] src, int width, int height, int outWidth, int outHeight, float[] box, Filter filter) {
        double[] in = new double[src.length];
        for (int i = 0; i < src.length; i++) in[i] = src[i];
        double[] r = resize32(in, width, height, outWidth, outHeight, box, filter, true);
        int[] out = new int[r.length];
        for (int i = 0; i < r.length; i++) out[i] = (int) r[i];
        return out;
    }

    /**
     * Resamples float planes ({@code channels} interleaved) like Pillow's mode "F": double sums stored as float
     * after each pass. Training augmentation can use it on already-converted planes.
     */
    public static float[] resizeFloat(
            float[] src, int width, int height, int channels, int outWidth, int outHeight, float[] box, Filter filter) {
        checkArgs(src.length, width, height, channels, outWidth, outHeight, box);
        float[] out = new float[outWidth * outHeight * channels];
        double[] plane = new double[width * height];
        for (int ch = 0; ch < channels; ch++) {
            for (int i = 0; i < plane.length; i++) plane[i] = src[i * channels + ch];
            double[] r = resize32(plane, width, height, outWidth, outHeight, box, filter, false);
            for (int i = 0; i < r.length; i++) out[i * channels + ch] = (float) r[i];
        }
        return out;
    }

    /** One-channel 32-bit path; values after each pass are rounded to int (mode I) or to float (mode F). */
    private static double[] resize32(
            double[] src,
            int width,
            int height,
            int outWidth,
            int outHeight,
            float[] box,
            Filter filter,
            boolean integer) {
        checkArgs(src.length, width, height, 1, outWidth, outHeight, box);
        boolean needH = needHorizontal(width, outWidth, box);
        boolean needV = needVertical(height, outHeight, box);
        Coefficients horiz = coefficients(width, box[0], box[2], outWidth, filter);
        Coefficients vert = coefficients(height, box[1], box[3], outHeight, filter);
        int yFirst = vert.start[0];
        int yLast = vert.start[outHeight - 1] + vert.count[outHeight - 1];
        double[] cur = src;
        int curW = width;
        int rowShift = 0;
        if (needH) {
            int rows = yLast - yFirst;
            double[] out = new double[outWidth * rows];
            for (int yy = 0; yy < rows; yy++) {
                int inRow = (yy + yFirst) * width;
                for (int xx = 0; xx < outWidth; xx++) {
                    double ss = 0.0;
                    int kb = xx * horiz.ksize;
                    for (int x = 0; x < horiz.count[xx]; x++) {
                        ss += cur[inRow + x + horiz.start[xx]] * horiz.weights[kb + x];
                    }
                    out[yy * outWidth + xx] = store(ss, integer);
                }
            }
            cur = out;
            curW = outWidth;
            rowShift = yFirst;
        }
        if (needV) {
            double[] out = new double[curW * outHeight];
            for (int yy = 0; yy < outHeight; yy++) {
                int ymin = vert.start[yy] - rowShift;
                int kb = yy * vert.ksize;
                for (int xx = 0; xx < curW; xx++) {
                    double ss = 0.0;
                    for (int y = 0; y < vert.count[yy]; y++) {
                        ss += cur[(y + ymin) * curW + xx] * vert.weights[kb + y];
                    }
                    out[yy * curW + xx] = store(ss, integer);
                }
            }
            cur = out;
        }
        return cur == src ? src.clone() : cur;
    }

    private static double store(double ss, boolean integer) {
        if (integer) {
            // ROUND_UP: (int)(f >= 0 ? f + 0.5 : f - 0.5), truncating toward zero
            return (int) (ss >= 0.0 ? ss + 0.5f : ss - 0.5f);
        }
        return (float) ss;
    }

    /**
     * Pillow's NEAREST resize (used for "1" and "P" images): an affine scale whose source coordinates are
     * accumulated in double one output step at a time, exactly like ImagingScaleAffine.
     */
    public static byte[] resizeNearest(
            byte[] src, int width, int height, int channels, int outWidth, int outHeight, float[] box) {
        checkArgs(src.length, width, height, channels, outWidth, outHeight, box);
        if (outWidth == width
                && outHeight == height
                && box[0] == 0
                && box[1] == 0
                && box[2] == width
                && box[3] == height) {
            return src.clone();
        }
        double a0 = (double) (box[2] - box[0]) / outWidth;
        double a4 = (double) (box[3] - box[1]) / outHeight;
        double a2 = box[0];
        double a5 = box[1];
        int[] xin = new int[outWidth];
        int xmin = outWidth;
        int xmax = 0;
        double xo = a2 + a0 * 0.5;
        for (int x = 0; x < outWidth; x++) {
            int xi = coord(xo);
            if (xi >= 0 && xi < width) {
                xmax = x + 1;
                if (x < xmin) xmin = x;
                xin[x] = xi;
            }
            xo += a0;
        }
        byte[] out = new byte[outWidth * outHeight * channels]; // Pillow's fill for unmapped pixels is 0
        double yo = a5 + a4 * 0.5;
        for (int y = 0; y < outHeight; y++) {
            int yi = coord(yo);
            if (yi >= 0 && yi < height) {
                for (int x = xmin; x < xmax; x++) {
                    System.arraycopy(
                            src, (yi * width + xin[x]) * channels, out, (y * outWidth + x) * channels, channels);
                }
            }
            yo += a4;
        }
        return out;
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }
}
