package io.clip4j.image;

import io.clip4j.Clip4jException;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;

/**
 * BMP as Pillow 9.4's BmpImagePlugin opens it. Palette images (1/4/8 bit) become "1" when the palette is exactly
 * black, white; "L" when it is the grey ramp (i, i, i) over all its colours; "P" otherwise. 16-bit images are
 * "RGB" with 5/6-bit channels scaled by {@code v * 255 / max} (integer division, as Pillow's BGR;15/BGR;16
 * unpackers); 24-bit "RGB"; 32-bit "RGB" (the fourth byte ignored) unless bit fields give an alpha mask: "RGBA".
 * RLE8/RLE4 data is decoded here ({@link BmpRleDecoder}), the way Pillow does, not by ImageIO.
 */
final class BmpDecoder {
    private BmpDecoder() {}

    static DecodedImage decode(byte[] b, String name, long maxPixels) {
        if (b.length < 26) throw new Clip4jException(name + ": truncated BMP data");
        int headerSize = s32(b, 14);
        long width;
        long height;
        int bits;
        int compression = 0;
        int colorsUsed = 0;
        if (headerSize == 12) {
            width = u16(b, 18);
            height = u16(b, 20);
            bits = u16(b, 24);
        } else if (headerSize >= 40 && b.length >= 54) {
            width = s32(b, 18);
            height = Math.abs((long) s32(b, 22));
            bits = u16(b, 28);
            compression = s32(b, 30);
            colorsUsed = s32(b, 46);
        } else {
            throw new Clip4jException(name + ": unsupported BMP header (size " + headerSize + ")");
        }
        ImageDecoder.checkPixels(name, width, height, maxPixels);
        int w = (int) width;
        int h = (int) height;
        if (compression == 1 || compression == 2)
            return decodeRle(b, name, w, h, bits, headerSize, colorsUsed, compression == 2);
        // Pillow reads uncompressed rows (and bit-field ones) raw from the pixel-data offset, and refuses a file
        // that ends before the last row ("image file is truncated"); ImageIO would pad the missing rows with zeros.
        if (compression == 0 || compression == 3 || compression == 6) {
            long offset = s32(b, 10) & 0xFFFFFFFFL;
            long stride = ((width * bits + 31) / 32) * 4;
            if (bits <= 0 || offset > b.length || stride * height > b.length - offset) {
                throw new Clip4jException(name + ": truncated BMP data (" + (b.length - Math.min(offset, b.length))
                        + " bytes of pixel data, " + width + "x" + height + " at " + bits + " bits needs "
                        + stride * height + ")");
            }
        }
        boolean alphaMask = false;
        if ((compression == 3 || compression == 6) && bits == 32 && headerSize >= 56 && b.length >= 14 + 56) {
            alphaMask = s32(b, 14 + 52) != 0;
        }

        ImageDecoder.IioResult res = ImageDecoder.readWithImageIO(b, name, "bmp", false);
        Raster r = res.raster();
        if (res.truncated() || r.getWidth() != w || r.getHeight() != h) {
            throw new Clip4jException(name + ": corrupt BMP data (size mismatch)");
        }
        if (bits <= 8) {
            Palette pal = palette(b, name, headerSize, bits, colorsUsed);
            if (pal.grey() && pal.colors() == 2) {
                return DecodedImage.of8("1", w, h, ImageDecoder.bandsToBytes(r, new int[] {0}, v -> v != 0 ? 255 : 0));
            }
            byte[] idx = ImageDecoder.bandsToBytes(r, new int[] {0}, v -> v);
            if (pal.grey()) return DecodedImage.of8("L", w, h, idx);
            return DecodedImage.ofPalette(w, h, idx, pal.rgb(), pal.colors(), null);
        }
        ColorModel cm = res.image().getColorModel();
        int[] size = new int[r.getNumBands()];
        for (int i = 0; i < size.length; i++) size[i] = cm.getComponentSize(i);
        boolean rgba = alphaMask && r.getNumBands() >= 4;
        int[] bands = rgba ? new int[] {0, 1, 2, 3} : new int[] {0, 1, 2};
        byte[] out = new byte[w * h * bands.length];
        int[] row = new int[w];
        for (int bi = 0; bi < bands.length; bi++) {
            int max = (1 << size[bands[bi]]) - 1;
            boolean direct = cm instanceof DirectColorModel;
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, bands[bi], row);
                for (int x = 0; x < w; x++) {
                    int v = direct && max != 255 ? row[x] * 255 / max : row[x];
                    out[(y * w + x) * bands.length + bi] = (byte) v;
                }
            }
        }
        return DecodedImage.of8(rgba ? "RGBA" : "RGB", w, h, out);
    }

    /** The colour table of a 1/4/8-bit BMP, and whether Pillow takes it as grey (black-white with 2 colours). */
    private record Palette(byte[] rgb, int colors, boolean grey) {}

    private static Palette palette(byte[] b, String name, int headerSize, int bits, int colorsUsed) {
        int colors = colorsUsed > 0 ? colorsUsed : 1 << bits;
        int padding = headerSize == 12 ? 3 : 4;
        int palStart = 14 + headerSize;
        if (colors > 256 || palStart + (long) padding * colors > b.length) {
            throw new Clip4jException(name + ": corrupt BMP data (bad palette)");
        }
        byte[] rgb = new byte[3 * colors];
        for (int i = 0; i < colors; i++) {
            rgb[3 * i] = b[palStart + padding * i + 2];
            rgb[3 * i + 1] = b[palStart + padding * i + 1];
            rgb[3 * i + 2] = b[palStart + padding * i];
        }
        boolean grey = true;
        for (int i = 0; i < colors && grey; i++) {
            int v = colors == 2 ? (i == 0 ? 0 : 255) : i;
            grey = (rgb[3 * i] & 0xFF) == v && (rgb[3 * i + 1] & 0xFF) == v && (rgb[3 * i + 2] & 0xFF) == v;
        }
        return new Palette(rgb, colors, grey);
    }

    /**
     * RLE8/RLE4 ({@link BmpRleDecoder}), with Pillow's rules around it: only palette images (1, 4 or 8 bits), and
     * not black-and-white ones (Pillow opens those as mode "1" and then has no way to unpack RLE into it); the data
     * starts at the header's offset, past the palette when the offset points at it, after the palette when it is 0.
     */
    private static DecodedImage decodeRle(
            byte[] b, String name, int w, int h, int bits, int headerSize, int colorsUsed, boolean rle4) {
        String kind = rle4 ? "RLE4" : "RLE8";
        if (bits != 1 && bits != 4 && bits != 8) {
            throw new Clip4jException(name + ": unsupported BMP (" + kind + " with " + bits + " bits per pixel)");
        }
        Palette pal = palette(b, name, headerSize, bits, colorsUsed);
        if (pal.grey() && pal.colors() == 2) {
            throw new Clip4jException(name + ": unsupported BMP (" + kind
                    + " with a black-and-white palette; Pillow cannot decode it either)");
        }
        long offset = s32(b, 10) & 0xFFFFFFFFL;
        int palEnd = 14 + headerSize + 4 * pal.colors();
        if (offset == 0) offset = palEnd;
        else if (offset == 14 + headerSize) offset += 4L * pal.colors();
        if (offset > b.length) throw new Clip4jException(name + ": truncated BMP data (no " + kind + " data)");
        boolean topDown = b[25] == (byte) 0xFF; // Pillow's test for a negative height
        byte[] idx = BmpRleDecoder.decode(b, (int) offset, w, h, rle4, topDown, name);
        if (pal.grey()) return DecodedImage.of8("L", w, h, idx);
        return DecodedImage.ofPalette(w, h, idx, pal.rgb(), pal.colors(), null);
    }

    private static int s32(byte[] b, int p) {
        return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | ((b[p + 2] & 0xFF) << 16) | ((b[p + 3] & 0xFF) << 24);
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
    }
}
