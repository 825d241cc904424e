package io.clip4j.image;

import io.clip4j.Clip4jException;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * GIF as Pillow 9.4's GifImagePlugin opens it: the first frame only, mode "P" with the local palette if the frame
 * has one, else with the global palette; mode "L" when there is no palette or the global palette is exactly the
 * grey ramp (i, i, i) (Pillow's {@code _is_palette_needed}), in which case indices are grey levels. The image has
 * the logical-screen size (grown if the frame sticks out); outside the frame it holds the transparent index if
 * there is one, else 0. The LZW data of the frame is walked to detect truncation before ImageIO decodes it.
 */
final class GifDecoder {
    private GifDecoder() {}

    static DecodedImage decode(byte[] b, String name, long maxPixels) {
        if (b.length < 13) throw new Clip4jException(name + ": truncated GIF data");
        int sw = u16(b, 6);
        int sh = u16(b, 8);
        int flags = b[10] & 0xFF;
        int p = 13;
        byte[] global = null;
        if ((flags & 0x80) != 0) {
            int n = 3 << ((flags & 7) + 1);
            if (p + n > b.length) throw new Clip4jException(name + ": truncated GIF data");
            global = Arrays.copyOfRange(b, p, p + n);
            p += n;
        }
        int transparency = -1;
        while (true) {
            if (p >= b.length) throw new Clip4jException(name + ": truncated GIF data");
            int block = b[p++] & 0xFF;
            if (block == 0x21) {
                if (p >= b.length) throw new Clip4jException(name + ": truncated GIF data");
                int label = b[p++] & 0xFF;
                if (label == 0xF9 && p + 5 <= b.length && (b[p] & 0xFF) >= 4 && (b[p + 1] & 1) != 0) {
                    transparency = b[p + 4] & 0xFF;
                }
                p = skipSubBlocks(b, p, name);
            } else if (block == 0x2C) {
                break;
            } else if (block == 0x3B) {
                throw new Clip4jException(name + ": corrupt GIF data (no image)");
            } else {
                throw new Clip4jException(
                        name + ": corrupt GIF data (unknown block 0x" + Integer.toHexString(block) + ")");
            }
        }
        if (p + 9 > b.length) throw new Clip4jException(name + ": truncated GIF data");
        int x0 = u16(b, p);
        int y0 = u16(b, p + 2);
        int fw = u16(b, p + 4);
        int fh = u16(b, p + 6);
        int iflags = b[p + 8] & 0xFF;
        p += 9;
        byte[] local = null;
        if ((iflags & 0x80) != 0) {
            int n = 3 << ((iflags & 7) + 1);
            if (p + n > b.length) throw new Clip4jException(name + ": truncated GIF data");
            local = Arrays.copyOfRange(b, p, p + n);
            p += n;
        }
        int width = Math.max(sw, x0 + fw);
        int height = Math.max(sh, y0 + fh);
        ImageDecoder.checkPixels(name, width, height, maxPixels);
        if (p >= b.length) throw new Clip4jException(name + ": truncated GIF data");
        int minCodeSize = b[p++] & 0xFF; // LZW minimum code size
        skipSubBlocks(b, p, name);
        checkLzw(b, p, minCodeSize, name);

        ImageDecoder.IioResult res = ImageDecoder.readWithImageIO(b, name, "gif", false);
        Raster r = res.raster();
        if (res.truncated() || r.getWidth() != fw || r.getHeight() != fh) {
            throw new Clip4jException(name + ": corrupt GIF data (frame size mismatch)");
        }
        byte[] idx = new byte[width * height];
        if (transparency >= 0) Arrays.fill(idx, (byte) transparency);
        int[] row = new int[fw];
        for (int y = 0; y < fh; y++) {
            r.getSamples(r.getMinX(), r.getMinY() + y, fw, 1, 0, row);
            for (int x = 0; x < fw; x++) idx[(y + y0) * width + x + x0] = (byte) row[x];
        }
        byte[] palette = local != null ? local : (global != null && isPaletteNeeded(global) ? global : null);
        if (palette == null) {
            DecodedImage img = DecodedImage.of8("L", width, height, idx);
            return transparency >= 0 ? img.withTransparentColor(new int[] {transparency}) : img;
        }
        byte[] alpha = null;
        if (transparency >= 0) {
            alpha = new byte[256];
            Arrays.fill(alpha, (byte) 255);
            alpha[transparency] = 0;
        }
        return DecodedImage.ofPalette(width, height, idx, palette, palette.length / 3, alpha);
    }

    static boolean isPaletteNeeded(byte[] p) {
        for (int i = 0; i + 2 < p.length; i += 3) {
            int v = i / 3;
            if ((p[i] & 0xFF) != v || (p[i + 1] & 0xFF) != v || (p[i + 2] & 0xFF) != v) return true;
        }
        return false;
    }

    /**
     * Walks the frame's LZW codes (without building strings: only the table size matters) and refuses what
     * Pillow's decoder calls a "broken data stream": a code beyond the next free table entry, or the
     * not-yet-defined next entry right after a clear code. ImageIO instead decodes such data to arbitrary pixels.
     * The sub-blocks are known to be complete ({@link #skipSubBlocks}).
     */
    static void checkLzw(byte[] b, int p, int minCodeSize, String name) {
        if (minCodeSize < 1 || minCodeSize > 11) {
            throw new Clip4jException(name + ": corrupt GIF data (LZW code size " + minCodeSize + ")");
        }
        int clear = 1 << minCodeSize;
        int end = clear + 1;
        int next = clear + 2;
        int size = minCodeSize + 1;
        boolean havePrev = false;
        long bitBuf = 0;
        int bits = 0;
        int block = b[p++] & 0xFF;
        if (block == 0) return;
        while (true) {
            while (bits < size) {
                if (block == 0) {
                    if (p >= b.length) return;
                    block = b[p++] & 0xFF;
                    if (block == 0) return; // data ended without an end code: decided by the decoder as before
                    continue;
                }
                bitBuf |= (long) (b[p++] & 0xFF) << bits;
                bits += 8;
                block--;
            }
            int code = (int) (bitBuf & ((1 << size) - 1));
            bitBuf >>>= size;
            bits -= size;
            if (code == clear) {
                next = clear + 2;
                size = minCodeSize + 1;
                havePrev = false;
                continue;
            }
            if (code == end) return;
            if (code > next || (code == next && !havePrev)) {
                throw new Clip4jException(name + ": corrupt GIF data (broken LZW data stream)");
            }
            if (havePrev && next < 4096) {
                next++;
                if (next == 1 << size && size < 12) size++;
            }
            havePrev = true;
        }
    }

    private static int skipSubBlocks(byte[] b, int p, String name) {
        while (true) {
            if (p >= b.length) throw new Clip4jException(name + ": truncated GIF data");
            int n = b[p++] & 0xFF;
            if (n == 0) return p;
            p += n;
        }
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
    }
}
