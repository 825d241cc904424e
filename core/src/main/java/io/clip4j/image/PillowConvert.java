package io.clip4j.image;

/**
 * Pillow 9.4's mode conversions (libImaging/Convert.c) that the CLIP pipeline needs, with Pillow's exact integer
 * rounding: {@code convert("RGB")} from every mode, and the premultiplication round trip Image.resize uses for
 * "LA"/"RGBA" (RGBA -> RGBa with MULDIV255, RGBa -> RGBA with a truncating {@code 255 * c / a}, clipped).
 */
public final class PillowConvert {
    private PillowConvert() {}

    /** (a * b + 128) * 257 >> 16 done as Pillow's MULDIV255: round(a * b / 255) for bytes. */
    static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    /** RGBA -> RGBa (and LA -> La on 2-band data): colour channels times alpha / 255, rounded. */
    static byte[] premultiply(byte[] s, int bands) {
        byte[] out = s.clone();
        for (int i = 0; i < s.length; i += bands) {
            int alpha = s[i + bands - 1] & 0xFF;
            for (int c = 0; c < bands - 1; c++) out[i + c] = (byte) mulDiv255(s[i + c] & 0xFF, alpha);
        }
        return out;
    }

    /** RGBa -> RGBA (La -> LA): 255 * c / alpha truncated and clipped to 255; alpha 0 or 255 leave c as is. */
    static byte[] unpremultiply(byte[] s, int bands) {
        byte[] out = s.clone();
        for (int i = 0; i < s.length; i += bands) {
            int alpha = s[i + bands - 1] & 0xFF;
            if (alpha == 0 || alpha == 255) continue;
            for (int c = 0; c < bands - 1; c++) out[i + c] = (byte) Math.min(255, 255 * (s[i + c] & 0xFF) / alpha);
        }
        return out;
    }

    /** {@code image.convert("RGB")}: interleaved RGB bytes. */
    public static byte[] toRgb(DecodedImage im) {
        int n = im.width() * im.height();
        byte[] out = new byte[3 * n];
        byte[] s = im.samples;
        switch (im.mode()) {
            case "RGB" -> System.arraycopy(s, 0, out, 0, 3 * n);
            case "RGBA" -> { // alpha dropped, no compositing
                for (int i = 0; i < n; i++) {
                    out[3 * i] = s[4 * i];
                    out[3 * i + 1] = s[4 * i + 1];
                    out[3 * i + 2] = s[4 * i + 2];
                }
            }
            case "L", "1" -> { // "1" is stored as 0/255 already
                for (int i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = s[i];
            }
            case "LA" -> {
                for (int i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = s[2 * i];
            }
            case "P" -> { // palette lookup; the palette's transparency plays no part
                byte[] pal = im.palette;
                for (int i = 0; i < n; i++) {
                    int k = (s[i] & 0xFF) * 3;
                    out[3 * i] = pal[k];
                    out[3 * i + 1] = pal[k + 1];
                    out[3 * i + 2] = pal[k + 2];
                }
            }
            case "I", "I;16" -> { // i2rgb (and I;16 -> L -> RGB): clipped to 0..255, not rescaled
                int[] v = im.intSamples;
                for (int i = 0; i < n; i++) {
                    int c = v[i] <= 0 ? 0 : Math.min(v[i], 255);
                    out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = (byte) c;
                }
            }
            case "CMYK" -> { // cmyk2rgb: nk - c * nk / 255 (MULDIV255), no colour management
                for (int i = 0; i < n; i++) {
                    int nk = 255 - (s[4 * i + 3] & 0xFF);
                    for (int c = 0; c < 3; c++) {
                        int v = nk - mulDiv255(s[4 * i + c] & 0xFF, nk);
                        out[3 * i + c] = (byte) (v < 0 ? 0 : Math.min(v, 255));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no RGB conversion from mode " + im.mode());
        }
        return out;
    }
}
