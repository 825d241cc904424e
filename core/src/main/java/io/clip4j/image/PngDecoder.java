package io.clip4j.image;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Printable;
import java.awt.image.Raster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;
import java.util.zip.CRC32;

/**
 * PNG as Pillow 9.4's PngImagePlugin opens it. Mode by (bit depth, colour type):
 * 1-bit grey "1"; 2/4/8-bit grey "L" (2/4-bit levels scaled by 0x55/0x11); 16-bit grey "I" (0..65535);
 * RGB "RGB" (16-bit: the high byte of each sample, i.e. truncation); palette "P"; grey+alpha "LA"
 * (16-bit: "RGBA" with the high bytes, Pillow's "LA;16B" rawmode); RGBA "RGBA" (16-bit: high bytes).
 * A tRNS chunk on grey/RGB images does not change the mode (it is only info). Gamma/ICC chunks are ignored.
 */
final class PngDecoder {
    private PngDecoder() {}

    static DecodedImage decode(byte[] b, String name, long maxPixels) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.position(8);
        if (buf.remaining() < 8 + 13 + 4) throw new Clip4jException(name + ": truncated PNG data");
        int len = buf.getInt();
        int type = buf.getInt();
        if (type != fourcc("IHDR") || len != 13) {
            throw new Clip4jException(name + ": corrupt PNG data (first chunk is not IHDR)");
        }
        long width = buf.getInt() & 0xFFFFFFFFL;
        long height = buf.getInt() & 0xFFFFFFFFL;
        int bitDepth = buf.get() & 0xFF;
        int colorType = buf.get() & 0xFF;
        ImageDecoder.checkPixels(name, width, height, maxPixels);
        String mode = modeOf(bitDepth, colorType);
        if (mode == null) {
            throw new Clip4jException(name + ": unsupported PNG bit depth " + bitDepth + " / colour type " + colorType);
        }
        checkCrc(b, 8, 13, name);
        buf.position(8 + 8 + 13 + 4);

        // Walk every chunk up to IEND: a file that ends inside a chunk or before IEND is truncated.
        byte[] plte = null;
        byte[] trns = null;
        boolean sawIdat = false;
        boolean sawIend = false;
        while (buf.remaining() >= 8) {
            long clen = buf.getInt() & 0xFFFFFFFFL;
            int ctype = buf.getInt();
            if (clen + 4 > buf.remaining()) break;
            if (ctype == fourcc("IEND")) {
                sawIend = true;
                break;
            }
            if (ctype == fourcc("IDAT")) {
                sawIdat = true;
                buf.position(buf.position() + (int) clen + 4);
                continue;
            }
            if (!sawIdat) checkCrc(b, buf.position() - 8, clen, name);
            byte[] data = new byte[(int) clen];
            buf.get(data);
            buf.getInt(); // CRC
            if (sawIdat) continue;
            if (ctype == fourcc("PLTE")) plte = data;
            else if (ctype == fourcc("tRNS")) trns = data;
        }
        if (!sawIend) throw new Clip4jException(name + ": truncated PNG data");
        if (!sawIdat) throw new Clip4jException(name + ": corrupt PNG data (no image data)");
        if (colorType == 3 && plte == null) throw new Clip4jException(name + ": corrupt PNG data (no palette)");

        ImageDecoder.IioResult res = ImageDecoder.readWithImageIO(b, name, "png", false);
        if (res.truncated()) throw new Clip4jException(name + ": truncated PNG data");
        Raster r = res.raster();
        if (r.getWidth() != width || r.getHeight() != height) {
            throw new Clip4jException(name + ": corrupt PNG data (size mismatch)");
        }
        int w = (int) width;
        int h = (int) height;
        boolean sixteen = bitDepth == 16;
        IntUnaryOperator hi = sixteen ? v -> v >> 8 : v -> v;
        DecodedImage img = switch (mode) {
            case "1" -> DecodedImage.of8("1", w, h, ImageDecoder.bandsToBytes(r, new int[] {0}, v -> v != 0 ? 255 : 0));
            case "L" ->
                DecodedImage.of8(
                        "L",
                        w,
                        h,
                        ImageDecoder.bandsToBytes(
                                r,
                                new int[] {0},
                                bitDepth == 2 ? v -> v * 0x55 : bitDepth == 4 ? v -> v * 0x11 : v -> v));
            case "I" -> {
                int[] s = new int[w * h];
                int[] row = new int[w];
                for (int y = 0; y < h; y++) {
                    r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
                    System.arraycopy(row, 0, s, y * w, w);
                }
                yield DecodedImage.ofInt("I", w, h, s);
            }
            case "RGB" -> DecodedImage.of8("RGB", w, h, ImageDecoder.bandsToBytes(r, new int[] {0, 1, 2}, hi));
            case "LA" -> DecodedImage.of8("LA", w, h, ImageDecoder.bandsToBytes(r, new int[] {0, 1}, v -> v));
            case "RGBA" ->
                colorType == 4
                        ? DecodedImage.of8("RGBA", w, h, ImageDecoder.bandsToBytes(r, new int[] {0, 0, 0, 1}, hi))
                        : DecodedImage.of8("RGBA", w, h, ImageDecoder.bandsToBytes(r, new int[] {0, 1, 2, 3}, hi));
            case "P" -> {
                byte[] idx = ImageDecoder.bandsToBytes(r, new int[] {0}, v -> v);
                int n = Math.min(plte.length / 3, 256);
                byte[] alpha = trns == null ? null : Arrays.copyOf(trns, Math.min(trns.length, 256));
                yield DecodedImage.ofPalette(w, h, idx, plte, n, alpha);
            }
            default -> throw new IllegalStateException(mode);
        };
        if (trns != null && (colorType == 0 || colorType == 2)) {
            ByteBuffer t = ByteBuffer.wrap(trns);
            int[] colour = colorType == 0 && trns.length >= 2
                    ? new int[] {t.getShort() & 0xFFFF}
                    : colorType == 2 && trns.length >= 6
                            ? new int[] {t.getShort() & 0xFFFF, t.getShort() & 0xFFFF, t.getShort() & 0xFFFF}
                            : null;
            if (colour != null) img = img.withTransparentColor(colour);
        }
        return img;
    }

    /**
     * Pillow checks the CRC of every chunk it reads while opening, i.e. all chunks before the first IDAT (the
     * IDAT and later CRCs are skipped), and refuses the file when one is wrong: "broken PNG file".
     */
    private static void checkCrc(byte[] b, int chunkStart, long dataLength, String name) {
        CRC32 crc = new CRC32();
        crc.update(b, chunkStart + 4, 4 + (int) dataLength);
        int at = chunkStart + 8 + (int) dataLength;
        long stored = ByteBuffer.wrap(b, at, 4).getInt() & 0xFFFFFFFFL;
        if (crc.getValue() != stored) {
            String type = new String(b, chunkStart + 4, 4, StandardCharsets.ISO_8859_1);
            throw new Clip4jException(name + ": corrupt PNG data (bad CRC in the " + Printable.of(type) + " chunk)");
        }
    }

    static String modeOf(int bitDepth, int colorType) {
        return switch (colorType) {
            case 0 ->
                switch (bitDepth) {
                    case 1 -> "1";
                    case 2, 4, 8 -> "L";
                    case 16 -> "I";
                    default -> null;
                };
            case 2 -> bitDepth == 8 || bitDepth == 16 ? "RGB" : null;
            case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 ? "P" : null;
            case 4 -> bitDepth == 8 ? "LA" : bitDepth == 16 ? "RGBA" : null;
            case 6 -> bitDepth == 8 || bitDepth == 16 ? "RGBA" : null;
            default -> null;
        };
    }

    private static int fourcc(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }
}
