package io.clip4j.image;

/**
 * Mode-aware geometry on {@link DecodedImage}, as Pillow 9.4's {@code Image.resize} and as torchvision 0.14's
 * {@code F.center_crop} / {@code F.pad} do on PIL images.
 */
public final class PillowImageOps {
    private PillowImageOps() {}

    /**
     * {@code image.resize((outWidth, outHeight), BICUBIC, box)} with Pillow's per-mode rules: "1" and "P" fall back
     * to NEAREST; "LA"/"RGBA" are premultiplied, resized and unpremultiplied; "I" uses the 32-bit path.
     * A null box means the whole image.
     */
    public static DecodedImage resizeBicubic(DecodedImage im, int outWidth, int outHeight, float[] box) {
        int w = im.width();
        int h = im.height();
        if (box == null) box = PillowResize.fullBox(w, h);
        if (outWidth == w && outHeight == h && box[0] == 0 && box[1] == 0 && box[2] == w && box[3] == h) {
            return im; // Image.resize returns a copy; ours is immutable
        }
        PillowResize.Filter f = PillowResize.Filter.BICUBIC;
        switch (im.mode()) {
            case "1", "P" -> {
                return im.withPixels(
                        outWidth,
                        outHeight,
                        PillowResize.resizeNearest(im.samples, w, h, 1, outWidth, outHeight, box),
                        null);
            }
            case "LA", "RGBA" -> {
                int bands = im.bands();
                byte[] pre = PillowConvert.premultiply(im.samples, bands);
                byte[] res = PillowResize.resize8(pre, w, h, bands, outWidth, outHeight, box, f);
                return im.withPixels(outWidth, outHeight, PillowConvert.unpremultiply(res, bands), null);
            }
            case "I" -> {
                return im.withPixels(
                        outWidth,
                        outHeight,
                        null,
                        PillowResize.resizeInt(im.intSamples, w, h, outWidth, outHeight, box, f));
            }
            case "I;16" -> {
                // Pillow 9.4 cannot resize I;16 with a filter; convert("I") is lossless, so resize as "I"
                DecodedImage asI = DecodedImage.ofInt("I", w, h, im.intSamples);
                return resizeBicubic(asI, outWidth, outHeight, box);
            }
            default -> {
                return im.withPixels(
                        outWidth,
                        outHeight,
                        PillowResize.resize8(im.samples, w, h, im.bands(), outWidth, outHeight, box, f),
                        null);
            }
        }
    }

    /**
     * torchvision 0.14 {@code F.center_crop} on a PIL image: pads with zeros (fill 0 in every band; palette index 0
     * for "P") when the image is smaller than the crop, then crops at
     * top = round((h - ch) / 2), left = round((w - cw) / 2) with Python's round-half-to-even.
     */
    public static DecodedImage centerCrop(DecodedImage im, int cropWidth, int cropHeight) {
        int w = im.width();
        int h = im.height();
        if (cropWidth > w || cropHeight > h) {
            int left = cropWidth > w ? (cropWidth - w) / 2 : 0;
            int top = cropHeight > h ? (cropHeight - h) / 2 : 0;
            int right = cropWidth > w ? (cropWidth - w + 1) / 2 : 0;
            int bottom = cropHeight > h ? (cropHeight - h + 1) / 2 : 0;
            im = crop(im, -left, -top, w + left + right, h + top + bottom);
            w = im.width();
            h = im.height();
            if (cropWidth == w && cropHeight == h) return im;
        }
        int top = (int) Math.rint((h - cropHeight) / 2.0);
        int left = (int) Math.rint((w - cropWidth) / 2.0);
        return crop(im, left, top, cropWidth, cropHeight);
    }

    /** PIL crop of (left, top, left + width, top + height); areas outside the image are zero. */
    public static DecodedImage crop(DecodedImage im, int left, int top, int width, int height) {
        int w = im.width();
        int h = im.height();
        if (left == 0 && top == 0 && width == w && height == h) return im;
        boolean ints = im.intSamples != null;
        int bands = ints ? 1 : im.bands();
        byte[] out = ints ? null : new byte[width * height * bands];
        int[] outI = ints ? new int[width * height] : null;
        for (int y = 0; y < height; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= h) continue;
            int x0 = Math.max(0, -left);
            int x1 = Math.min(width, w - left);
            if (x1 <= x0) continue;
            if (ints) {
                System.arraycopy(im.intSamples, sy * w + x0 + left, outI, y * width + x0, x1 - x0);
            } else {
                System.arraycopy(
                        im.samples, (sy * w + x0 + left) * bands, out, (y * width + x0) * bands, (x1 - x0) * bands);
            }
        }
        return im.withPixels(width, height, out, outI);
    }
}
