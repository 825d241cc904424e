package io.clip4j.image;

import io.clip4j.Clip4jException;
import java.awt.image.Raster;

/**
 * JPEG as Pillow 9.4 (libjpeg-turbo) opens it: 1 component "L", 3 components "RGB", 4 components "CMYK" stored
 * inverted (Pillow's "CMYK;I" rawmode, which assumes Adobe conventions).
 *
 * <p>ImageIO's raster read gives the decoded (IDCT, upsampled) components without colour conversion; the
 * YCbCr -> RGB step is libjpeg's own fixed-point conversion (jdcolor.c), reproduced here, so ImageIO's ICC
 * handling never touches the values. libjpeg picks the source colour space from the JFIF/Adobe markers and the
 * component ids; so does {@link #isYCbCr}.
 */
final class JpegDecoder {
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegDecoder() {}

    private static int fix(double v) {
        return (int) (v * (1L << SCALEBITS) + 0.5);
    }

    /** Header facts libjpeg uses to choose the colour transform. */
    record Header(int width, int height, int components, int[] componentIds, boolean jfif, int adobeTransform) {}

    static Header parseHeader(byte[] b, String name) {
        int p = 2;
        boolean jfif = false;
        int adobe = -1;
        while (true) {
            while (p < b.length && (b[p] & 0xFF) != 0xFF) p++; // skip garbage between markers, like libjpeg
            while (p < b.length && (b[p] & 0xFF) == 0xFF) p++;
            if (p + 2 >= b.length) throw new Clip4jException(name + ": truncated JPEG data");
            int marker = b[p] & 0xFF;
            p++;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;
            if (marker == 0xD9 || marker == 0xDA) {
                throw new Clip4jException(name + ": corrupt JPEG data (no frame header)");
            }
            int len = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            if (len < 2 || p + len > b.length) throw new Clip4jException(name + ": truncated JPEG data");
            int d = p + 2;
            if (marker == 0xE0
                    && len >= 7
                    && b[d] == 'J'
                    && b[d + 1] == 'F'
                    && b[d + 2] == 'I'
                    && b[d + 3] == 'F'
                    && b[d + 4] == 0) {
                jfif = true;
            } else if (marker == 0xEE
                    && len >= 14
                    && b[d] == 'A'
                    && b[d + 1] == 'd'
                    && b[d + 2] == 'o'
                    && b[d + 3] == 'b'
                    && b[d + 4] == 'e') {
                adobe = b[d + 11] & 0xFF;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (len < 8) throw new Clip4jException(name + ": corrupt JPEG data (bad frame header)");
                int height = ((b[d + 1] & 0xFF) << 8) | (b[d + 2] & 0xFF);
                int width = ((b[d + 3] & 0xFF) << 8) | (b[d + 4] & 0xFF);
                int nc = b[d + 5] & 0xFF;
                if (len < 8 + 3 * nc) throw new Clip4jException(name + ": corrupt JPEG data (bad frame header)");
                int[] ids = new int[nc];
                for (int i = 0; i < nc; i++) ids[i] = b[d + 6 + 3 * i] & 0xFF;
                return new Header(width, height, nc, ids, jfif, adobe);
            }
            p += len;
        }
    }

    /** Scans a JPEG may have: a sequential one has one per component, libjpeg's progressive scripts about 10. */
    static final int MAX_SCANS = 100;
    /** Components summed over all scans, per component of the frame: each is one pass over that component. */
    static final int MAX_PASSES_PER_COMPONENT = 32;

    /**
     * Counts the scans (SOS markers) of the first image, skipping their entropy-coded data, and refuses a "scan
     * bomb": a progressive file whose many tiny scans each make the decoder walk the whole image again (minutes
     * of work from a few hundred kB). The decoding work is bounded by {@link #MAX_SCANS} scans and
     * {@link #MAX_PASSES_PER_COMPONENT} component passes per component.
     */
    static void checkScans(byte[] b, String name, int components) {
        int p = 2;
        int scans = 0;
        long passes = 0;
        while (p < b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                p++;
                continue;
            }
            while (p < b.length && (b[p] & 0xFF) == 0xFF) p++;
            if (p >= b.length) return;
            int marker = b[p++] & 0xFF;
            if (marker == 0xD9) return; // EOI
            if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;
            if (p + 2 > b.length) return;
            int len = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            if (marker == 0xDA) {
                int ns = p + 2 < b.length ? b[p + 2] & 0xFF : 0;
                scans++;
                passes += ns;
                if (scans > MAX_SCANS || passes > (long) MAX_PASSES_PER_COMPONENT * Math.max(1, components)) {
                    throw new Clip4jException(name + ": corrupt JPEG data (more than "
                            + (scans > MAX_SCANS
                                    ? MAX_SCANS + " scans"
                                    : MAX_PASSES_PER_COMPONENT + " passes over each component")
                            + ": a scan bomb?)");
                }
                p += len;
                // entropy-coded data: up to the next marker that is not a stuffed 0xFF00 or a restart marker
                while (p + 1 < b.length) {
                    if ((b[p] & 0xFF) == 0xFF) {
                        int m = b[p + 1] & 0xFF;
                        if (m != 0x00 && !(m >= 0xD0 && m <= 0xD7) && m != 0xFF) break;
                    }
                    p++;
                }
                continue;
            }
            p += len;
        }
    }

    static boolean isYCbCr(Header h) {
        // libjpeg jdapimin.c default_decompress_parms, 3 components
        if (h.jfif()) return true;
        if (h.adobeTransform() >= 0) return h.adobeTransform() != 0;
        int[] id = h.componentIds();
        return !(id[0] == 'R' && id[1] == 'G' && id[2] == 'B');
    }

    static DecodedImage decode(byte[] b, String name, long maxPixels) {
        Header h = parseHeader(b, name);
        ImageDecoder.checkPixels(name, h.width(), h.height(), maxPixels);
        if (h.components() != 1 && h.components() != 3 && h.components() != 4) {
            throw new Clip4jException(name + ": unsupported JPEG with " + h.components() + " components");
        }
        checkScans(b, name, h.components());
        ImageDecoder.IioResult res = ImageDecoder.readWithImageIO(b, name, "jpeg", true);
        if (res.truncated()) throw new Clip4jException(name + ": truncated JPEG data");
        Raster r = res.raster();
        int w = r.getWidth();
        int ht = r.getHeight();
        if (w != h.width() || ht != h.height() || r.getNumBands() != h.components()) {
            throw new Clip4jException(name + ": corrupt JPEG data (decoded size differs from header)");
        }
        if (h.components() == 1) {
            return DecodedImage.of8("L", w, ht, ImageDecoder.bandsToBytes(r, new int[] {0}, v -> v));
        }
        if (h.components() == 3) {
            byte[] s = ImageDecoder.bandsToBytes(r, new int[] {0, 1, 2}, v -> v);
            if (isYCbCr(h)) yccToRgb(s, 3);
            return DecodedImage.of8("RGB", w, ht, s);
        }
        byte[] s = ImageDecoder.bandsToBytes(r, new int[] {0, 1, 2, 3}, v -> v);
        if (h.adobeTransform() == 2) {
            // YCCK -> CMYK as libjpeg: C,M,Y = 255 - RGB of the YCC triple, K unchanged
            yccToRgb(s, 4);
            for (int i = 0; i < s.length; i += 4) {
                s[i] = (byte) (255 - (s[i] & 0xFF));
                s[i + 1] = (byte) (255 - (s[i + 1] & 0xFF));
                s[i + 2] = (byte) (255 - (s[i + 2] & 0xFF));
            }
        }
        for (int i = 0; i < s.length; i++) s[i] = (byte) (255 - (s[i] & 0xFF)); // Pillow's "CMYK;I"
        return DecodedImage.of8("CMYK", w, ht, s);
    }

    private static void yccToRgb(byte[] s, int stride) {
        for (int i = 0; i < s.length; i += stride) {
            int y = s[i] & 0xFF;
            int cb = s[i + 1] & 0xFF;
            int cr = s[i + 2] & 0xFF;
            s[i] = (byte) clamp(y + CR_R[cr]);
            s[i + 1] = (byte) clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
            s[i + 2] = (byte) clamp(y + CB_B[cb]);
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
