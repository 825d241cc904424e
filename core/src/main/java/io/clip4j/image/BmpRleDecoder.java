package io.clip4j.image;

import io.clip4j.Clip4jException;

/**
 * BMP RLE8 and RLE4 pixel data decoded as Pillow 9.4's {@code BmpRleDecoder} does, quirks included, since that is
 * the reference: a run longer than the rest of its row is cut at the row's end, but an absolute (literal) run is
 * not and flows into the next row; RLE4 literal runs of odd length lose their last pixel; the word alignment after
 * a literal run is on the position in the file (not in the pixel data); a delta escape skips two bytes before the
 * two it reads. Data past the last pixel is ignored. Pillow refuses, and so does this decoder, data that stops
 * (end of file, or an end-of-bitmap escape) before every pixel is set, and a delta escape cut short by the end of
 * the file.
 */
final class BmpRleDecoder {
    private BmpRleDecoder() {}

    /**
     * Palette indices (one byte per pixel, rows top to bottom) of a {@code width} x {@code height} image whose RLE
     * data starts at {@code offset} of {@code b}.
     */
    static byte[] decode(byte[] b, int offset, int width, int height, boolean rle4, boolean topDown, String name) {
        long size = (long) width * height;
        byte[] data = new byte[(int) size]; // the pixels in the order of the file; what lies beyond is dropped
        long len = 0;
        long x = 0;
        long pos = offset;
        while (len < size) {
            if (pos + 2 > b.length) break;
            int count = b[(int) pos] & 0xFF, value = b[(int) pos + 1] & 0xFF;
            pos += 2;
            if (count > 0) {
                // encoded run, cut at the end of the row
                long n = x + count > width ? Math.max(0, width - x) : count;
                for (long i = 0; i < n; i++) {
                    int v = rle4 ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value;
                    if (len + i < size) data[(int) (len + i)] = (byte) v;
                }
                len += n;
                x += n;
            } else if (value == 0) {
                // end of line: the rest of the row stays 0
                len = (len + width - 1) / width * width;
                x = 0;
            } else if (value == 1) {
                break; // end of bitmap
            } else if (value == 2) {
                // delta: Pillow 9.4 reads two bytes, then takes right and up from the two after them
                if (pos + 2 > b.length) break;
                pos += 2;
                if (pos + 2 > b.length) {
                    throw new Clip4jException(
                            name + ": broken BMP RLE data (delta escape cut short by the end of the file)");
                }
                int right = b[(int) pos] & 0xFF, up = b[(int) pos + 1] & 0xFF;
                pos += 2;
                len += right + (long) up * width;
                x = len % width;
            } else {
                // absolute run of `value` pixels; RLE4 reads value / 2 bytes of two pixels each
                int bytes = rle4 ? value / 2 : value;
                int got = (int) Math.max(0, Math.min(bytes, b.length - pos));
                for (int i = 0; i < got; i++) {
                    int v = b[(int) pos + i] & 0xFF;
                    if (rle4) {
                        put(data, len++, v >> 4);
                        put(data, len++, v & 0x0F);
                    } else {
                        put(data, len++, v);
                    }
                }
                pos += got;
                if (got < bytes) break;
                x += value;
                if (pos % 2 != 0) pos++;
            }
        }
        if (len < size) {
            throw new Clip4jException(name + ": truncated BMP RLE data (not enough image data: " + Math.min(len, size)
                    + " of " + size + " pixels)");
        }
        if (topDown) return data;
        byte[] out = new byte[data.length];
        for (int y = 0; y < height; y++) System.arraycopy(data, (height - 1 - y) * width, out, y * width, width);
        return out;
    }

    private static void put(byte[] data, long at, int v) {
        if (at < data.length) data[(int) at] = (byte) v;
    }
}
